package dev.onering.stream.cli;

import dev.onering.pipeline.Json;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.bench.StreamBench;
import dev.onering.stream.pulsar.EmbeddedPulsar;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.sink.SilverStoreTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {
      "The streaming benchmark, on this machine: a Pulsar broker in its own JVM and the streaming job "
          + "on a MiniCluster, as in the demo. Each path first takes the warm-up days, untimed (every day "
          + "but the last two, each followed by a wait until both JVMs' JIT compilers have drained their "
          + "queues). The next day goes through the broker alone (the reference: publisher to a plain "
          + "consumer, lines packed into messages as the job's are; and once with one line per message, for "
          + "comparison), then through the job as fast as possible; the last day is published at --pace "
          + "ticks/s, through the broker alone and then through the job, for the delay from a minute's end to "
          + "its bar in ClickHouse and what the job adds to the broker's CPU at that steady rate. "
          + "Each phase also records the machine's load average (on a shared machine the rates are upper "
          + "bounds on the time the work takes) and, of the CPU per tick, the share of both JVMs' JIT "
          + "compiler threads: compiling is paid once, by a broker or job that has not run for long. For the "
          + "job's phase it lists where the CPU went, by kind of thread in either JVM (from /proc), its CPU "
          + "counted to its last closed bar. Prints "
          + "the figures and the job's rate as a share of the broker's; writes stream-bench.json under "
          + "--out."
    })
final class BenchCommand implements Callable<Integer> {
  private final StreamEnv env;

  BenchCommand(StreamEnv env) {
    this.env = env;
  }

  @Option(names = "--symbols", defaultValue = "24", description = "Instruments, 1-24 (default: ${DEFAULT-VALUE}).")
  int symbols;

  @Option(names = "--days", defaultValue = "" + StreamBench.DAYS_DEFAULT,
      description = "Days to simulate, at least 3: the last two are measured (as fast as possible, then paced),"
          + " the ones before warm up the broker alone and the job (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--ticks-per-day", defaultValue = "20000",
      description = "Average trades per symbol per trading day (default: ${DEFAULT-VALUE}).")
  int ticksPerDay;

  @Option(names = "--pace", defaultValue = "20000",
      description = "Ticks per second in the paced phase (default: ${DEFAULT-VALUE}).")
  double pace;

  @Option(names = "--parallelism", defaultValue = "1",
      description = "Flink parallelism; at 1 the keyed work runs in the source's task, unshuffled (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--lines-per-message", defaultValue = "" + TickPublisher.Settings.LINES_PER_MESSAGE_DEFAULT,
      description = "The most lines the publisher packs into one message, for the job and the reference alike; 1 sends"
          + " each on its own (default: ${DEFAULT-VALUE}).")
  int linesPerMessage;

  @Option(names = "--work", defaultValue = "data/stream-bench",
      description = "Broker data, checkpoints, lake and embedded ClickHouse of the run, wiped first (default: ${DEFAULT-VALUE}).")
  Path work;

  @Option(names = "--out", defaultValue = "out/bench",
      description = "Where stream-<time>/stream-bench.json goes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (linesPerMessage < 1) {
      throw new IllegalArgumentException("--lines-per-message must be at least 1, got " + linesPerMessage);
    }
    if (pace <= 0) {
      throw new IllegalArgumentException("--pace must be a positive number of ticks per second, got " + pace);
    }
    deleteTree(work);
    Files.createDirectories(work);
    SimulationConfig simulation = SimulationConfig.defaults().withSize(symbols, days, ticksPerDay);
    SilverStoreTarget clickhouse = SilverStoreTarget.chdb(work.resolve("chdb"));
    StreamProgress.info("bench", "starting a Pulsar broker in its own JVM (about 10 s)");
    StreamBench.Result r;
    try (EmbeddedPulsar broker = EmbeddedPulsar.start(EmbeddedPulsar.Settings.defaults(work.resolve("pulsar"), env));
        SilverStore store = clickhouse.openEmbedded()) {
      store.migrate(ChangelogApplier.locateDefaultChangelog());
      r = new StreamBench(new StreamBench.Settings(simulation, pace, parallelism, work.resolve("lake").toAbsolutePath(),
          clickhouse, linesPerMessage, work.resolve("checkpoints")), m -> StreamProgress.info("bench", m)).run(broker.serviceUrl(), broker.adminUrl(), broker.pid());
    }
    print(r);
    Path dir = out.resolve("stream-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    Path file = dir.resolve("stream-bench.json");
    Files.writeString(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(figures(r)));
    StreamProgress.info("bench", "figures in " + file);
    return 0;
  }

  private Map<String, Object> figures(StreamBench.Result r) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("machine_cores", Runtime.getRuntime().availableProcessors());
    f.put("parallelism", parallelism);
    f.put("lines_per_message", linesPerMessage);
    f.put("broker_definition", "the broker alone, lines packed into messages as the job's are: the yardstick");
    f.put("broker_ticks", r.broker().ticks());
    f.put("broker_ticks_per_second", Math.round(r.broker().perSecond()));
    f.put("job_ticks", r.job().ticks());
    f.put("job_ticks_per_second", Math.round(r.job().perSecond()));
    f.put("job_to_broker", Math.round(r.jobToBroker() * 1000) / 1000.0);
    f.put("broker_cpu_us_per_tick", Math.round(r.broker().cpuMicrosPerTick() * 10) / 10.0);
    f.put("job_cpu_us_per_tick", Math.round(r.job().cpuMicrosPerTick() * 10) / 10.0);
    f.put("broker_cores_busy", Math.round(r.broker().cores() * 100) / 100.0);
    f.put("job_cores_busy", Math.round(r.job().cores() * 100) / 100.0);
    f.put("broker_load_1m", r.broker().load());
    f.put("job_load_1m", r.job().load());
    f.put("jit_definition", "CPU seconds the JIT compiler threads of both JVMs (benchmark and broker) spent in the"
        + " phase, part of its CPU seconds");
    f.put("broker_jit_cpu_seconds", jit(r.broker()));
    f.put("job_jit_cpu_seconds", jit(r.job()));
    Map<String, Double> threads = new LinkedHashMap<>();
    r.jobThreads().forEach((group, seconds) -> threads.put(group, Math.round(seconds * 100) / 100.0));
    f.put("job_cpu_seconds_by_thread", threads);
    if (r.brokerOneLine() != null) {
      f.put("broker_one_line_ticks_per_second", Math.round(r.brokerOneLine().perSecond()));
      f.put("broker_one_line_cpu_us_per_tick", Math.round(r.brokerOneLine().cpuMicrosPerTick() * 10) / 10.0);
      f.put("broker_one_line_cores_busy", Math.round(r.brokerOneLine().cores() * 100) / 100.0);
      f.put("broker_one_line_load_1m", r.brokerOneLine().load());
    }
    f.put("broker_paced_ticks_per_second", Math.round(r.brokerPaced().perSecond()));
    f.put("broker_paced_cpu_us_per_tick", Math.round(r.brokerPaced().cpuMicrosPerTick() * 10) / 10.0);
    f.put("broker_paced_cores_busy", Math.round(r.brokerPaced().cores() * 100) / 100.0);
    f.put("broker_paced_load_1m", r.brokerPaced().load());
    f.put("broker_paced_jit_cpu_seconds", jit(r.brokerPaced()));
    f.put("paced_job_own_cpu_us_per_tick_without_jit", Math.round(r.pacedJobOwnMicrosPerTick() * 10) / 10.0);
    f.put("publish_ticks_per_second", Math.round(r.publishPerSecond()));
    f.put("paced_rate", r.paced().rate());
    f.put("paced_minutes", r.paced().minutes());
    f.put("paced_earlier_minutes", r.paced().earlierMinutes());
    f.put("bar_delay_ms_p50", r.paced().p50());
    f.put("bar_delay_ms_p90", r.paced().p90());
    f.put("bar_delay_ms_p99", r.paced().p99());
    f.put("bar_delay_ms_max", r.paced().max());
    f.put("paced_cores_busy", Math.round(r.pacedCost().cores() * 100) / 100.0);
    f.put("paced_cpu_us_per_tick", Math.round(r.pacedCost().cpuMicrosPerTick() * 10) / 10.0);
    f.put("paced_load_1m", r.pacedCost().load());
    f.put("paced_jit_cpu_seconds", jit(r.pacedCost()));
    f.put("bar_delay_definition", "wall clock from sending the first tick whose event time is at or past the"
        + " minute's end plus the out-of-orderness bound, to the minute's first bar visible in ClickHouse");
    f.put("late", r.lateTrades());
    f.put("quarantined", r.quarantined());
    f.put("bars_fired_again", r.refiredBars());
    return f;
  }

  private static double jit(StreamBench.Throughput t) {
    return Math.round(t.jitCpuSeconds() * 100) / 100.0;
  }

  private void print(StreamBench.Result r) {
    System.out.printf(Locale.ROOT, "%n%-40s %11s %9s %12s %11s %9s %8s%n", "streaming (same ticks, same run)", "ticks/s",
        "vs broker", "cores busy", "CPU us/tick", "of it JIT", "load 1m");
    if (r.brokerOneLine() != null) {
      row("broker alone, one line per message", r.brokerOneLine(), "");
    }
    row(String.format(Locale.ROOT, "broker alone, <= %d lines per message", linesPerMessage), r.broker(), "1.00");
    row("job: publisher -> closed bars", r.job(), String.format(Locale.ROOT, "%.2f", r.jobToBroker()));
    row(String.format(Locale.ROOT, "broker alone, paced at %,.0f ticks/s", r.paced().rate()), r.brokerPaced(), "");
    row(String.format(Locale.ROOT, "job, paced at %,.0f ticks/s", r.paced().rate()), r.pacedCost(), "");
    System.out.printf(Locale.ROOT, "at %,.0f ticks/s, without the JIT: the broker alone %.1f CPU us/tick, the job"
        + " adds %.1f%n", r.paced().rate(), r.brokerPaced().cpuMicrosPerTickWithoutJit(), r.pacedJobOwnMicrosPerTick());
    System.out.printf(Locale.ROOT, "%n%-40s %8s %8s %8s %8s%n", String.format(Locale.ROOT,
        "bar delay at %,.0f ticks/s (%d minutes)", r.paced().rate(), r.paced().minutes()), "p50", "p90", "p99", "max");
    System.out.printf(Locale.ROOT, "%-40s %6.0fms %6.0fms %6.0fms %6.0fms%n", "minute end -> bar in ClickHouse",
        r.paced().p50(), r.paced().p90(), r.paced().p99(), r.paced().max());
    if (!r.jobThreads().isEmpty()) {
      System.out.printf(Locale.ROOT, "%nwhere the job phase's CPU went (both JVMs, %.1f s):%n", r.job().cpuSeconds());
      r.jobThreads().entrySet().stream().limit(TOP_THREAD_GROUPS).forEach(e -> System.out.printf(Locale.ROOT,
          "  %-40s %6.2f s %4.0f%%%n", e.getKey(), e.getValue(), 100 * e.getValue() / r.job().cpuSeconds()));
    }
    if (r.refiredBars() > 0) {
      System.out.printf(Locale.ROOT, "%,d minutes' first bars came twice: the job restarted from a checkpoint and"
          + " replayed; its figures include the replay%n", r.refiredBars());
    }
  }

  /** Kinds of thread the console lists for the job phase; the JSON has them all. */
  private static final int TOP_THREAD_GROUPS = 10;

  private static void row(String name, StreamBench.Throughput t, String ratio) {
    System.out.printf(Locale.ROOT, "%-40s %,11.0f %9s %12.2f %11.1f %9.1f %8.2f%n", name, t.perSecond(), ratio, t.cores(),
        t.cpuMicrosPerTick(), t.jitMicrosPerTick(), t.load());
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
