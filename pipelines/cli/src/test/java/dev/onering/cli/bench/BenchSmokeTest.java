package dev.onering.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onering.cli.OneRing;
import dev.onering.instruments.ReferenceData;
import dev.onering.lake.Lake;
import dev.onering.pipeline.Json;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.Tick;
import dev.onering.ticks.TickParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `make bench` at a tiny size: both engines run as processes, their Gold rows agree, the outputs
 * exist; and the yardstick rejects exactly what OneRing rejects, the simulator's defects and a file
 * of the ones it never writes.
 */
class BenchSmokeTest {

  @Test
  void aTinyBenchRunsBothEnginesAndFindsTheSameGold(@TempDir Path dir) throws Exception {
    Path dataset = dir.resolve("cache").resolve("15k-" + SimulationConfig.DEFAULT_SEED);
    BenchCommand.ensureDataset(dataset, BenchCommand.config(15_000), SimulationConfig.DEFAULT_SEED);
    Path lake = dataset.resolve("lake");
    // The yardstick's Gold before the extra file arrives: what that file may change, and what not.
    DuckDbYardstick.run(lake, dir.resolve("before"), "1GB");
    Extra extra = writeExtraFile(lake);

    int code = OneRing.commandLine().execute("bench", "--sizes", "15k", "--runs", "1", "--warmups", "0",
        "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("out").toString(), "--memory", "2g");
    assertThat(code).as("bench's exit code: 1 when the two Gold outputs differ").isZero();
    Path json;
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      json = files.filter(p -> p.getFileName().toString().equals("bench.json")).findFirst().orElseThrow();
    }
    JsonNode r = Json.MAPPER.readTree(json.toFile());
    assertThat(r.get("gold_equal").asBoolean()).isTrue();
    JsonNode size = r.get("sizes").get(0);
    assertThat(size.get("equality").get("onering_rows").asLong()).isPositive()
        .isEqualTo(size.get("equality").get("duckdb_rows").asLong());
    assertThat(size.get("onering_median_ms").asLong()).isPositive();
    assertThat(size.get("duckdb_peak_rss").asLong()).as("memory sampled").isPositive();
    assertThat(size.get("onering_steps_median_ms").has("silver")).isTrue();
    assertThat(size.get("ratio").asDouble())
        .isEqualTo(size.get("onering_median_ms").asDouble() / size.get("duckdb_median_ms").asDouble());
    assertThat(Files.readString(json.resolveSibling("bench.html"))).contains("echarts.init")
        .as("opens with no network").doesNotContainPattern("(src|href)=\"https?://");

    // Of the extra file only the two good new trades count: one row of Gold changes, by exactly them.
    Path after = dataset.resolve("duckdb");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("""
            SELECT coalesce(a.symbol, b.symbol), coalesce(a.trade_date, b.trade_date), a.trade_count - b.trade_count,
              a.volume - b.volume, a.open = b.open AND a.high = b.high AND a.low = b.low AND a.close = b.close
            FROM read_parquet('%s') a FULL JOIN read_parquet('%s') b ON a.symbol = b.symbol AND a.trade_date = b.trade_date
            WHERE a.symbol IS NULL OR b.symbol IS NULL OR a.trade_count <> b.trade_count
              OR abs(a.volume - b.volume) > 1e-9 * b.volume OR a.open <> b.open OR a.high <> b.high OR a.low <> b.low
              OR a.close <> b.close
            """.formatted(after.resolve(DuckDbYardstick.GOLD), dir.resolve("before").resolve(DuckDbYardstick.GOLD)))) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1) + " " + rs.getObject(2, LocalDate.class)).isEqualTo(extra.tick().symbol() + " " + extra.day());
      assertThat(rs.getLong(3)).isEqualTo(2);
      assertThat(rs.getDouble(4)).isCloseTo(2 * extra.tick().size(), org.assertj.core.api.Assertions.within(1e-6));
      assertThat(rs.getBoolean(5)).as("no rejected line's price reached the bars").isTrue();
      assertThat(rs.next()).as("no other row changed").isFalse();
    }
    // The yardstick writes Silver as OneRing does: the same trades and one-minute bars.
    assertThat(parquetRows(after.resolve("silver/trades"))).isPositive().isEqualTo(parquetRows(lake.resolve(Lake.SILVER_TRADES)));
    assertThat(parquetRows(after.resolve("silver/bars_1m"))).isPositive().isEqualTo(parquetRows(lake.resolve(Lake.SILVER_BARS_1M)));
  }

  private static long parquetRows(Path dir) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet('" + dir + "/**/*.parquet')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** The extra file's day and the trade its lines are made from. */
  record Extra(LocalDate day, Tick tick) {}

  /**
   * A second Bronze file for the second day, arriving after the simulator's: every record rule's
   * defect, including those the simulator never writes (wrong types, missing fields, wrong dates,
   * duplicates that differ), each priced at twice the trade it is made from, so that keeping any of
   * them would move the day's high; and two good new trades, which both engines must keep.
   */
  private static Extra writeExtraFile(Path lake) throws Exception {
    Path dayDir;
    try (Stream<Path> dirs = Files.list(lake.resolve(Lake.BRONZE_TICKS))) {
      dayDir = dirs.sorted().skip(1).findFirst().orElseThrow();
    }
    LocalDate day = LocalDate.parse(dayDir.getFileName().toString().substring("date=".length()));
    TickParser parser = new TickParser(ReferenceData.standard());
    List<Tick> accepted = Files.readAllLines(dayDir.resolve("part-00000.jsonl")).stream()
        .map(l -> parser.parse(l, day)).filter(p -> p instanceof ParsedTick.Accepted)
        .map(p -> ((ParsedTick.Accepted) p).tick()).toList();
    String symbol = accepted.get(0).symbol();
    // Trades whose (symbol, seq) arrives once: neither duplicated nor shadowed by a spike.
    Map<Long, Long> seqs = accepted.stream().filter(t -> t.symbol().equals(symbol))
        .collect(Collectors.groupingBy(Tick::seq, Collectors.counting()));
    List<Tick> once = accepted.stream().filter(t -> t.symbol().equals(symbol) && seqs.get(t.seq()) == 1).toList();
    Tick a = once.get(once.size() / 3);
    Tick b = once.get(2 * once.size() / 3);
    long fresh = seqs.keySet().stream().mapToLong(Long::longValue).max().orElseThrow() + 1000;
    double p2 = a.price() * 2;
    long dayMicros = 86_400_000_000L;

    List<String> lines = new ArrayList<>();
    lines.add(line(a, o -> o.put("seq", fresh)));
    lines.add(line(a, o -> o.put("seq", fresh).put("price", p2))); // a later arrival in the same file
    lines.add(line(b, o -> o.put("price", b.price() * 2))); // a later arrival than part-00000's
    lines.add(line(a, o -> o.put("seq", fresh + 1).put("venue", "dark"))); // extra fields are allowed
    // invalid_type
    lines.add(line(a, o -> o.put("seq", String.valueOf(fresh + 2)).put("price", p2)));
    lines.add(line(a, o -> o.put("seq", fresh + 3.0).put("price", p2)));
    lines.add(line(a, o -> o.put("seq", fresh + 4).put("event_time", String.valueOf(a.eventTimeMicros())).put("price", p2)));
    lines.add(line(a, o -> o.put("seq", fresh + 5).put("event_time", (double) a.eventTimeMicros()).put("price", p2)));
    lines.add(line(a, o -> o.put("seq", fresh + 6).put("price", String.valueOf(p2))));
    lines.add(line(a, o -> o.put("seq", fresh + 7).put("price", true)));
    lines.add(line(a, o -> o.put("seq", fresh + 8).put("price", p2).put("size", String.valueOf(a.size()))));
    lines.add(line(a, o -> o.put("seq", fresh + 9).put("price", p2).put("side", 1)));
    lines.add(line(a, o -> o.put("seq", fresh + 10).put("price", p2).putArray("exchange").add(a.exchange())));
    // missing_field, each field in turn
    long k = fresh + 11;
    for (String field : List.of("symbol", "seq", "event_time", "price", "size", "side", "exchange")) {
      long seq = k++;
      lines.add(line(a, o -> o.put("seq", seq).put("price", p2).remove(field)));
    }
    // null_price, non_positive_price, null_size, non_positive_size, invalid_value, unknown_symbol
    long s0 = k;
    lines.add(line(a, o -> o.put("seq", s0).putNull("price")));
    lines.add(line(a, o -> o.put("seq", s0 + 1).put("price", 0.0)));
    lines.add(line(a, o -> o.put("seq", s0 + 2).put("price", -p2)));
    lines.add(line(a, o -> o.put("seq", s0 + 3).put("price", new java.math.BigDecimal("1e400"))));
    lines.add(line(a, o -> o.put("seq", s0 + 4).put("price", p2).putNull("size")));
    lines.add(line(a, o -> o.put("seq", s0 + 5).put("price", p2).put("size", 0.0)));
    lines.add(line(a, o -> o.put("seq", s0 + 6).put("price", p2).put("size", -a.size())));
    lines.add(line(a, o -> o.put("seq", -5).put("price", p2)));
    lines.add(line(a, o -> o.put("seq", s0 + 7).put("price", p2).put("side", "hold")));
    lines.add(line(a, o -> o.put("seq", s0 + 8).put("price", p2).put("exchange", "XLON")));
    lines.add(line(a, o -> o.put("seq", s0 + 9).put("price", p2).put("symbol", "NOPE")));
    // outside_batch_date, both ways; price_spike
    lines.add(line(a, o -> o.put("seq", s0 + 10).put("price", p2).put("event_time", a.eventTimeMicros() + dayMicros)));
    lines.add(line(a, o -> o.put("seq", s0 + 11).put("price", p2).put("event_time", a.eventTimeMicros() - dayMicros)));
    lines.add(line(a, o -> o.put("seq", s0 + 12).put("price", a.price() * 10)));
    // malformed_json: cut short, a CSV row, empty, not an object, an object of nothing
    String whole = line(a, o -> o.put("seq", s0 + 13).put("price", p2));
    lines.add(whole.substring(0, whole.length() - 2));
    lines.add(String.join(",", symbol, String.valueOf(s0 + 14), String.valueOf(a.eventTimeMicros()), String.valueOf(p2),
        String.valueOf(a.size()), a.side(), a.exchange()));
    lines.add("");
    lines.add("[" + whole + "]");
    lines.add("{}");
    Files.write(dayDir.resolve("part-99999.jsonl"), lines);
    return new Extra(day, a);
  }

  private static String line(Tick t, java.util.function.Consumer<ObjectNode> change) throws Exception {
    ObjectNode o = Json.MAPPER.createObjectNode().put("symbol", t.symbol()).put("seq", t.seq())
        .put("event_time", t.eventTimeMicros()).put("price", t.price()).put("size", t.size())
        .put("side", t.side()).put("exchange", t.exchange());
    change.accept(o);
    return Json.MAPPER.writeValueAsString(o);
  }

  @Test
  void sizesReadAsAPersonWritesThem() {
    assertThat(BenchCommand.parseSize("200k")).isEqualTo(200_000);
    assertThat(BenchCommand.parseSize("1.5M")).isEqualTo(1_500_000);
    assertThat(BenchCommand.parseSize("30000")).isEqualTo(30_000);
    assertThatThrownBy(() -> BenchCommand.parseSize("lots")).hasMessageContaining("200k, 1M or 20M");
  }

  @Test
  void theScalingExponentIsTheSlopeOnLogScales() {
    // Time doubling when data quadruples: exponent 0.5.
    var small = new BenchCommand.SizeResult("a", 0, 1_000, List.of(), List.of(), 100, 10, 0, 0, java.util.Map.of(), 0, 0, 0, null);
    var large = new BenchCommand.SizeResult("b", 0, 4_000, List.of(), List.of(), 200, 40, 0, 0, java.util.Map.of(), 0, 0, 0, null);
    assertThat(BenchCommand.exponent(List.of(small, large), true)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(BenchCommand.exponent(List.of(small, large), false)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(BenchCommand.median(List.of(5L, 1L, 3L))).isEqualTo(3);
  }
}
