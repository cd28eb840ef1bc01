package dev.onering.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.OneRing;
import dev.onering.instruments.Instrument;
import dev.onering.instruments.ReferenceData;
import dev.onering.instruments.TradingCalendar;
import dev.onering.lake.Lake;
import dev.onering.pipeline.Json;
import dev.onering.simulator.BronzeWriter;
import dev.onering.simulator.Manifest;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * OneRing's batch path against DuckDB on the same Bronze files, side by side in one run: wall time
 * and peak memory of each, as medians over repeated runs after a warm-up, and a check that both
 * produce the same Gold rows (the benchmark fails if they differ). Each run is a fresh process, as
 * a user would start it; datasets are generated once per size and seed and cached.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark the batch path (silver + gold, lake to lake) against DuckDB doing the same work in SQL.",
        "Writes out/bench/<timestamp>/bench.json and bench.html and prints a table."})
public final class BenchCommand implements Callable<Integer> {

  @Option(names = "--sizes", split = ",", defaultValue = "1M,5M,20M",
      description = "Dataset sizes in ticks, e.g. 200k,1M (default: ${DEFAULT-VALUE}).")
  List<String> sizes;

  @Option(names = "--runs", defaultValue = "3", description = "Measured runs per engine and size; the median is reported (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--warmups", defaultValue = "1", description = "Unmeasured runs first, to warm the page cache (default: ${DEFAULT-VALUE}).")
  int warmups;

  @Option(names = "--cache-dir", defaultValue = "data/bench", description = "Where generated datasets are kept between runs (default: ${DEFAULT-VALUE}).")
  Path cache;

  @Option(names = "--out", defaultValue = "out/bench", description = "Where results go (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--memory", defaultValue = "8g", description = "Heap of OneRing's JVM and DuckDB's memory limit (default: ${DEFAULT-VALUE}).")
  String memory;

  @Option(names = "--seed", defaultValue = "" + SimulationConfig.DEFAULT_SEED, description = "Dataset seed (default: ${DEFAULT-VALUE}).")
  long seed;

  static final int DAYS = 30;

  @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Figure(long wallMs, long peakRssBytes, Map<String, Long> stepsMs) {}

  @com.fasterxml.jackson.databind.annotation.JsonNaming(com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  record SizeResult(String size, long ticks, long lines, List<Figure> onering, List<Figure> duckdb,
      long oneringMedianMs, long duckdbMedianMs, long oneringPeakRss, long duckdbPeakRss,
      Map<String, Long> oneringStepsMedianMs, double ratio, double oneringTicksPerSecond, double duckdbTicksPerSecond,
      DuckDbYardstick.Comparison equality) {}

  @Override
  public Integer call() throws Exception {
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(java.time.Instant.now());
    Path runDir = out.resolve(stamp);
    Files.createDirectories(runDir);
    List<SizeResult> results = new ArrayList<>();
    boolean allEqual = true;
    for (String size : sizes) {
      long target = parseSize(size);
      Path dataset = cache.resolve(size.toLowerCase(Locale.ROOT) + "-" + seed);
      SimulationConfig config = config(target);
      Manifest manifest = ensureDataset(dataset, config, seed);
      Path lake = dataset.resolve("lake");
      List<Figure> oneRing = new ArrayList<>();
      List<Figure> duck = new ArrayList<>();
      for (int i = 0; i < warmups + runs; i++) {
        boolean measured = i >= warmups;
        System.err.printf("[bench] %s (%,d ticks): run %d/%d%s%n", size, manifest.lines(), i + 1, warmups + runs,
            measured ? "" : " (warm-up)");
        Figure o = runOneRing(dataset, config, runDir.resolve("onering-" + size + "-" + i));
        Figure d = runDuckDb(lake, dataset.resolve("duckdb"), runDir.resolve("duckdb-" + size + "-" + i + ".log"));
        if (measured) {
          oneRing.add(o);
          duck.add(d);
        }
      }
      DuckDbYardstick.Comparison eq = DuckDbYardstick.compare(
          goldFiles(dataset), dataset.resolve("duckdb").resolve(DuckDbYardstick.GOLD));
      allEqual &= eq.equal();
      long om = median(oneRing.stream().map(Figure::wallMs).toList());
      long dm = median(duck.stream().map(Figure::wallMs).toList());
      Map<String, Long> steps = new LinkedHashMap<>();
      for (String step : oneRing.get(0).stepsMs().keySet()) {
        steps.put(step, median(oneRing.stream().map(f -> f.stepsMs().getOrDefault(step, 0L)).toList()));
      }
      results.add(new SizeResult(size, manifest.cleanTicks(), manifest.lines(), oneRing, duck, om, dm,
          oneRing.stream().mapToLong(Figure::peakRssBytes).max().orElse(0),
          duck.stream().mapToLong(Figure::peakRssBytes).max().orElse(0), steps, (double) om / dm,
          manifest.lines() * 1000.0 / om, manifest.lines() * 1000.0 / dm, eq));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("timestamp", stamp);
    report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
        "memory_bytes", ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize()));
    report.put("runs", runs);
    report.put("warmups", warmups);
    report.put("memory", memory);
    report.put("sizes", results);
    report.put("scaling_exponent_onering", exponent(results, true));
    report.put("scaling_exponent_duckdb", exponent(results, false));
    report.put("gold_equal", allEqual);
    Files.writeString(runDir.resolve("bench.json"), Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    Files.writeString(runDir.resolve("bench.html"), BenchHtml.render(report, results));
    System.err.println(table(results, report));
    System.err.println("Results: " + runDir.resolve("bench.html").toAbsolutePath());
    System.out.println(Json.MAPPER.writeValueAsString(Map.of("bench", runDir.resolve("bench.json").toAbsolutePath().toString(),
        "gold_equal", allEqual)));
    if (!allEqual) {
      System.err.println("bench: OneRing and DuckDB produced different Gold rows; see equality in bench.json");
      return 1;
    }
    return 0;
  }

  static long parseSize(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long mult = t.endsWith("m") ? 1_000_000 : t.endsWith("k") ? 1_000 : 1;
    String digits = mult == 1 ? t : t.substring(0, t.length() - 1);
    try {
      return Math.round(Double.parseDouble(digits) * mult);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--sizes: '" + s + "' is not a size like 200k, 1M or 20M");
    }
  }

  /** A dataset of about the target size over 30 days: ticks per symbol-day from the calendars. */
  static SimulationConfig config(long target) {
    SimulationConfig base = SimulationConfig.defaults();
    long symbolDays = 0;
    for (Instrument i : ReferenceData.standard().select(base.symbols())) {
      for (int d = 0; d < DAYS; d++) {
        LocalDate day = base.startDate().plusDays(d);
        symbolDays += TradingCalendar.of(i.assetClass()).isTradingDay(day) ? 1 : 0;
      }
    }
    int perDay = (int) Math.max(1, Math.round((double) target / symbolDays));
    return base.withSize(base.symbols(), DAYS, perDay);
  }

  /** The dataset of this size and seed under {@code dataset}: generated unless its manifest says it is there. */
  static Manifest ensureDataset(Path dataset, SimulationConfig config, long seed) throws Exception {
    Path manifestFile = dataset.resolve("manifest.json");
    if (Files.exists(manifestFile)) {
      Manifest m = Json.MAPPER.readValue(manifestFile.toFile(), Manifest.class);
      if (m.seed() == config.withSeed(seed).seed() && m.ticksPerDay() == config.ticksPerDay() && m.days() == config.days()) {
        return m;
      }
    }
    System.err.printf("[bench] generating %s (%d ticks per symbol-day)%n", dataset, config.ticksPerDay());
    Manifest m = new MarketSimulator(config.withSeed(seed), ReferenceData.standard())
        .run(new BronzeWriter(Lake.at(dataset.resolve("lake")), config.maxLinesPerFile(), null));
    Json.MAPPER.writeValue(manifestFile.toFile(), m);
    return m;
  }

  /** A {@code java} command line with this JVM's classpath and options and the given heap: a fresh process of the CLI. */
  public static List<String> java(String heap) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The class-data-sharing archive the launcher maps is kept; a recording of one is not: two
      // JVMs would write the same file.
      if (!arg.startsWith("-Xmx") && !arg.startsWith("-agentlib") && !arg.startsWith("-javaagent")
          && !arg.startsWith("-XX:ArchiveClassesAtExit")) {
        cmd.add(arg);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    return cmd;
  }

  /** The data files of the last run's Gold daily bars: the Iceberg table's current snapshot, from its catalog. */
  private static List<Path> goldFiles(Path dataset) throws java.io.IOException {
    Lake lake = Lake.at(dataset.resolve("lake"));
    try (var pg = dev.onering.serving.postgres.EmbeddedPostgresServer.start(dataset.resolve("data/postgres"), 0);
        var tables = new dev.onering.spark.lake.LakeTables(dev.onering.spark.lake.LakeTables.DEFAULT_CATALOG,
            pg.jdbcUrl(dev.onering.serving.postgres.EmbeddedPostgresServer.CATALOG_DATABASE), pg.user(), pg.password(),
            lake, Map.of())) {
      return tables.dataFiles(dev.onering.spark.lake.LakeTables.Id.GOLD_DAILY_BARS, dev.onering.spark.lake.LakeTables.MAIN,
          List.of()).stream().map(lake::path).toList();
    }
  }

  private Figure runOneRing(Path dataset, SimulationConfig config, Path out) throws Exception {
    List<String> cmd = java(memory);
    cmd.addAll(List.of(OneRing.class.getName(), "run", "--from-bronze", "--steps", "silver,gold",
        "--lake", dataset.resolve("lake").toString(), "--data-dir", dataset.resolve("data").toString(),
        "--out", out.toString(), "--csv-dir", "none", "--run-id", "bench", "--publish-unaudited",
        "--start-date", config.startDate().toString(), "--days", String.valueOf(config.days())));
    Files.createDirectories(out);
    ProcessTree.Measured m = ProcessTree.run(cmd, out.resolve("run.log"));
    if (m.exitCode() != 0) {
      throw new IllegalStateException("OneRing's run failed (exit " + m.exitCode() + "); see " + out.resolve("run.log"));
    }
    JsonNode report = Json.MAPPER.readTree(out.resolve("runs/bench/report.json").toFile());
    Map<String, Long> steps = new LinkedHashMap<>();
    report.get("steps").forEach(s -> {
      if (s.get("status").asText().equals("success")) {
        steps.put(s.get("step").asText(), s.get("duration_ms").asLong());
      }
    });
    return new Figure(m.wallMs(), m.peakRssBytes(), steps);
  }

  private Figure runDuckDb(Path lake, Path out, Path log) throws Exception {
    List<String> cmd = java("512m");
    cmd.addAll(List.of(DuckDbYardstick.class.getName(), lake.toString(), out.toString(),
        memory.toUpperCase(Locale.ROOT) + "B"));
    ProcessTree.Measured m = ProcessTree.run(cmd, log);
    if (m.exitCode() != 0) {
      throw new IllegalStateException("the DuckDB yardstick failed (exit " + m.exitCode() + "); see " + log);
    }
    return new Figure(m.wallMs(), m.peakRssBytes(), Map.of());
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Least-squares slope of log(time) on log(ticks): 1 is linear, below 1 means fixed costs dominate. */
  static Double exponent(List<SizeResult> results, boolean onering) {
    if (results.size() < 2) {
      return null;
    }
    double n = results.size();
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (SizeResult r : results) {
      double x = Math.log(r.lines());
      double y = Math.log(onering ? r.oneringMedianMs() : r.duckdbMedianMs());
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  static String table(List<SizeResult> results, Map<String, Object> report) {
    StringBuilder b = new StringBuilder();
    b.append(String.format("%n%-6s %12s %11s %11s %7s %12s %12s %9s %9s %s%n", "size", "lines", "OneRing s", "DuckDB s",
        "ratio", "OneRing t/s", "DuckDB t/s", "OR RSS", "DDB RSS", "gold equal"));
    for (SizeResult r : results) {
      b.append(String.format("%-6s %,12d %11.1f %11.1f %6.2fx %,12.0f %,12.0f %8.1fG %8.1fG %s%n", r.size(), r.lines(),
          r.oneringMedianMs() / 1000.0, r.duckdbMedianMs() / 1000.0, r.ratio(), r.oneringTicksPerSecond(),
          r.duckdbTicksPerSecond(), r.oneringPeakRss() / 1e9, r.duckdbPeakRss() / 1e9, r.equality().equal()));
      b.append("       OneRing steps (median ms): ").append(r.oneringStepsMedianMs()).append('\n');
    }
    b.append(String.format("scaling exponent, time vs ticks: OneRing %s, DuckDB %s%n",
        fmt(report.get("scaling_exponent_onering")), fmt(report.get("scaling_exponent_duckdb"))));
    return b.toString();
  }

  private static String fmt(Object d) {
    return d == null ? "n/a (one size)" : String.format("%.2f", (Double) d);
  }
}
