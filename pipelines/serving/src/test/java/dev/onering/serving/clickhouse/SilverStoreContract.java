package dev.onering.serving.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import dev.onering.serving.clickhouse.SilverParquet.Bar;
import dev.onering.serving.clickhouse.SilverParquet.Trade;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every Silver store must do, run against each implementation on the real engine: chDB in
 * this JVM ({@link ChDbSilverStoreTest}) and a ClickHouse server over HTTP
 * ({@link ClickHouseHttpSilverStoreTest}). Fixtures are written with the engine directly ({@link
 * #db}); everything asserted goes through the store under test.
 */
abstract class SilverStoreContract {

  static final LocalDate DAY1 = LocalDate.of(2026, 9, 1);
  static final LocalDate DAY2 = LocalDate.of(2026, 9, 2);
  static final LocalDate NO_TRADES = LocalDate.of(2026, 9, 5);

  @TempDir Path dataDir;
  @TempDir Path lakeRoot;
  Lake lake;
  SilverStore store;
  /** The engine underneath, for writing fixtures; the same data directory the store serves. */
  ChDb db;
  private Opened opened;

  /** A store under test, the chDB engine it ends up on, and what to close after the test. */
  record Opened(SilverStore store, ChDb engine, AutoCloseable resources) {}

  /** Opens the store under test on a chDB engine with its data in {@code dataDir}. */
  abstract Opened open(Path dataDir);

  @BeforeEach
  void open() {
    lake = Lake.at(lakeRoot);
    opened = open(dataDir);
    store = opened.store();
    db = opened.engine();
    assertThat(store.migrate(ChangelogApplier.locateDefaultChangelog())).isEqualTo(5);
  }

  @AfterEach
  void close() throws Exception {
    opened.resources().close();
  }

  @Test
  void tradesLoadExactlyAndReloadingReplaces() throws IOException {
    List<Trade> day1 = SilverParquet.trades(DAY1, 400, 1);
    List<Trade> day2 = SilverParquet.trades(DAY2, 300, 2);
    Path folder1 = partition(SilverTable.TRADES, DAY1);
    // Two part files, as Spark writes them, plus Spark's marker and checksum files, ignored.
    SilverParquet.writeTrades(db, folder1.resolve("part-00000.snappy.parquet"), day1.subList(0, 500));
    SilverParquet.writeTrades(db, folder1.resolve("part-00001.snappy.parquet"),
        day1.subList(500, day1.size()));
    Files.writeString(folder1.resolve(".part-00000.snappy.parquet.crc"), "not parquet");
    Files.writeString(folder1.resolve("_SUCCESS"), "");
    SilverParquet.writeTrades(db, partition(SilverTable.TRADES, DAY2).resolve("part-00000.parquet"),
        day2);

    assertThat(store.replaceTradesPartition(lake, DAY1)).isEqualTo(day1.size());
    assertThat(store.replaceTradesPartition(lake, DAY2)).isEqualTo(day2.size());
    assertThat(storedTrades(DAY1)).isEqualTo(sorted(day1));
    assertThat(storedTrades(DAY2)).isEqualTo(sorted(day2));

    // Same files again: same rows, no duplicates, the other date untouched.
    assertThat(store.replaceTradesPartition(lake, DAY1)).isEqualTo(day1.size());
    assertThat(store.count(SilverTable.TRADES, DAY1)).isEqualTo(day1.size());
    assertThat(scalar("SELECT count() FROM silver.trades FINAL WHERE trade_date = '"
        + DAY1 + "'")).isEqualTo(day1.size());
    assertThat(storedTrades(DAY2)).isEqualTo(sorted(day2));

    // A re-run of Silver that produced fewer rows: the partition becomes exactly the new files.
    Files.delete(folder1.resolve("part-00001.snappy.parquet"));
    assertThat(store.replaceTradesPartition(lake, DAY1)).isEqualTo(500);
    assertThat(storedTrades(DAY1)).isEqualTo(sorted(day1.subList(0, 500)));
    assertThat(store.count(SilverTable.TRADES, DAY2)).isEqualTo(day2.size());
  }

  @Test
  void barsLoadExactlyAndReloadingReplaces() {
    List<Bar> day1 = SilverParquet.bars(SilverParquet.trades(DAY1, 400, 3));
    List<Bar> day2 = SilverParquet.bars(SilverParquet.trades(DAY2, 200, 4));
    SilverParquet.writeBars(db, partition(SilverTable.BARS_1M, DAY1).resolve("part-0.parquet"), day1);
    SilverParquet.writeBars(db, partition(SilverTable.BARS_1M, DAY2).resolve("part-0.parquet"), day2);

    assertThat(store.replaceBarsPartition(lake, DAY1)).isEqualTo(day1.size());
    assertThat(store.replaceBarsPartition(lake, DAY2)).isEqualTo(day2.size());
    assertThat(store.replaceBarsPartition(lake, DAY1)).isEqualTo(day1.size());

    assertThat(store.count(SilverTable.BARS_1M, DAY1)).isEqualTo(day1.size());
    assertThat(storedBars(DAY1)).isEqualTo(sortedBars(day1));
    assertThat(storedBars(DAY2)).isEqualTo(sortedBars(day2));
    assertThat(scalar("SELECT sum(trade_count) FROM silver.bars_1m WHERE trade_date = '"
        + DAY1 + "'")).isEqualTo(1200L);
  }

  @Test
  void aDateWithoutFilesEmptiesItsPartition() throws IOException {
    List<Trade> day1 = SilverParquet.trades(DAY1, 50, 5);
    Path file = partition(SilverTable.TRADES, DAY1).resolve("part-0.parquet");
    SilverParquet.writeTrades(db, file, day1);
    assertThat(store.replaceTradesPartition(lake, DAY1)).isEqualTo(day1.size());

    Files.delete(file); // the folder stays, empty
    assertThat(store.replaceTradesPartition(lake, DAY1)).isZero();
    assertThat(store.count(SilverTable.TRADES, DAY1)).isZero();

    // No folder at all (a day with no trades).
    assertThat(store.replaceTradesPartition(lake, NO_TRADES)).isZero();
    assertThat(store.replaceBarsPartition(lake, NO_TRADES)).isZero();
  }

  @Test
  void aNullInANonNullableColumnFailsLoudlyAndLeavesTheDateEmpty() {
    List<Trade> good = SilverParquet.trades(DAY1, 20, 6);
    Path file = partition(SilverTable.TRADES, DAY1).resolve("part-0.parquet");
    SilverParquet.writeTrades(db, file, good);
    store.replaceTradesPartition(lake, DAY1);

    SilverParquet.write(db, file, SilverParquet.TRADES_STRUCTURE,
        "('AAPL', 1, fromUnixTimestamp64Micro(1788269400123456, 'UTC'), NULL, 1, 'buy', 'XNAS')");
    assertThatThrownBy(() -> store.replaceTradesPartition(lake, DAY1))
        .isInstanceOfSatisfying(ClickHouseException.class, e -> {
          assertThat(e.getMessage()).contains(file.getParent().toString())
              .contains("emptied").contains("re-run");
          assertThat(e.sql()).startsWith("INSERT INTO silver.trades");
        });
    assertThat(store.count(SilverTable.TRADES, DAY1)).isZero();
  }

  @Test
  void finalCollapsesTheSameSymbolAndSeq() {
    List<Trade> trades = SilverParquet.trades(DAY1, 100, 7);
    Path file = partition(SilverTable.TRADES, DAY1).resolve("part-0.parquet");
    SilverParquet.writeTrades(db, file, trades);
    store.replaceTradesPartition(lake, DAY1);
    // The same trades again as a separate insert (a second part), with a corrected price:
    // what a late re-delivery looks like. ReplacingMergeTree keeps the last inserted version.
    db.execute("INSERT INTO silver.trades SELECT symbol, seq, event_time, trade_date, price + 1,"
        + " size, side, exchange FROM silver.trades WHERE trade_date = '" + DAY1 + "'");

    assertThat(store.count(SilverTable.TRADES, DAY1)).isEqualTo(2L * trades.size());
    String finalQuery = " FROM silver.trades FINAL WHERE trade_date = '" + DAY1 + "'";
    assertThat(scalar("SELECT count()" + finalQuery)).isEqualTo(trades.size());
    double expectedPriceSum = trades.stream().mapToDouble(t -> t.price() + 1).sum();
    assertThat((Double) store.rows("SELECT sum(price) AS p" + finalQuery).get(0).get("p"))
        .isCloseTo(expectedPriceSum, org.assertj.core.data.Offset.offset(1e-6));

    db.execute("OPTIMIZE TABLE silver.trades PARTITION '" + DAY1 + "' FINAL");
    assertThat(store.count(SilverTable.TRADES, DAY1)).isEqualTo(trades.size());
  }

  @Test
  void aLargeDateLoadsInOneStatement() {
    // Generated by ClickHouse itself to keep the test fast; the expected figures follow from
    // numbers(n) directly: n rows, seq 0..n-1.
    int n = 300_000;
    Path file = partition(SilverTable.TRADES, DAY2).resolve("part-0.parquet");
    db.execute("INSERT INTO FUNCTION file(" + ChDb.quote(file.toString()) + ", Parquet, "
        + ChDb.quote(SilverParquet.TRADES_STRUCTURE) + ") SELECT ['AAPL', 'MSFT', 'BTC-USD'][number % 3 + 1],"
        + " number, fromUnixTimestamp64Micro(1788269400000000 + number * 1001, 'UTC'),"
        + " 100 + (number % 100) / 100, 1, if(number % 2 = 0, 'buy', 'sell'), 'XNAS'"
        + " FROM numbers(" + n + ")");
    long start = System.nanoTime();
    assertThat(store.replaceTradesPartition(lake, DAY2)).isEqualTo(n);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("loaded %d trades from Parquet in %d ms%n", n, millis);
    Map<String, Object> r = store.rows("SELECT sum(seq) AS s, max(toUnixTimestamp64Micro(event_time))"
        + " AS last FROM silver.trades WHERE trade_date = '" + DAY2 + "'").get(0);
    assertThat(((Number) r.get("s")).longValue()).isEqualTo((long) n * (n - 1) / 2);
    assertThat(((Number) r.get("last")).longValue()).isEqualTo(1788269400000000L + (n - 1) * 1001L);
  }

  @Test
  void loadingBeforeMigrateSaysToMigrate(@TempDir Path unmigrated) throws Exception {
    opened.resources().close(); // one data directory per process: release this one first
    Opened fresh = open(unmigrated);
    opened = fresh;
    assertThatThrownBy(() -> fresh.store().replaceTradesPartition(lake, DAY1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("silver.trades does not exist in " + fresh.store().location())
        .hasMessageContaining("onering migrate");
  }

  @Test
  void aSecondMigrateChangesNothing() {
    assertThat(store.migrate(ChangelogApplier.locateDefaultChangelog())).isZero();
    // Written from the changelog's changesets, in file order.
    assertThat(store.rows("SELECT ID, ORDEREXECUTED FROM default.DATABASECHANGELOG FINAL ORDER BY ORDEREXECUTED"))
        .extracting(r -> r.get("ID"))
        .containsExactly("silver-001-database", "silver-002-trades", "silver-003-bars_1m", "silver-004-batch_stats",
            "silver-005-alerts");
  }

  @Test
  void loadsFromALakeReachedOnlyThroughLakeFiles() {
    // An object-store lake as the store sees it: an s3a root whose files come only through
    // LakeFiles (here backed by a local folder, so the expected rows are the fixture's). The store
    // must not touch the local path behind it.
    List<Trade> day1 = SilverParquet.trades(DAY1, 300, 11);
    Path folder = partition(SilverTable.TRADES, DAY1);
    SilverParquet.writeTrades(db, folder.resolve("part-00000.parquet"), day1.subList(0, 400));
    SilverParquet.writeTrades(db, folder.resolve("part-00001.parquet"), day1.subList(400, day1.size()));
    LakeFiles remote = new RemoteLookingLake(lake);

    assertThat(store.replacePartition(SilverTable.TRADES, remote, DAY1)).isEqualTo(day1.size());
    assertThat(storedTrades(DAY1)).isEqualTo(sorted(day1));
    assertThat(store.replacePartition(SilverTable.TRADES, remote, DAY2)).isZero();
  }

  @Test
  void batchStatsKeepOneRowPerDateWithItsQuarantineShare() {
    store.replaceBatchStats(DAY1, 900, 100);
    store.replaceBatchStats(DAY2, 50, 0);
    store.replaceBatchStats(DAY1, 990, 10); // a re-run replaces the date's row

    List<Map<String, Object>> rows = store.rows("SELECT toString(trade_date) AS d, lines_in, accepted,"
        + " quarantined, quarantine_share FROM silver.batch_stats FINAL ORDER BY trade_date");
    assertThat(rows).extracting(r -> r.get("d"), r -> num(r, "lines_in").longValue(),
            r -> num(r, "accepted").longValue(), r -> num(r, "quarantined").longValue(),
            r -> num(r, "quarantine_share").doubleValue())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(DAY1.toString(), 1000L, 990L, 10L, 10 / 1000.0),
            org.assertj.core.groups.Tuple.tuple(DAY2.toString(), 50L, 50L, 0L, 0.0));
    assertThatThrownBy(() -> store.replaceBatchStats(DAY1, -1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(DAY1.toString());
  }

  /** A lake whose root is an s3a URI and whose files are served from a local folder. */
  static final class RemoteLookingLake implements LakeFiles {
    private final LakeFiles local;
    private final Lake remote = Lake.at("s3a://contract-test");

    RemoteLookingLake(Lake local) {
      this.local = LakeFiles.local(local);
    }

    @Override
    public Lake lake() {
      return remote;
    }

    @Override
    public List<String> list(String relativeDir, String suffix) {
      return local.list(relativeDir, suffix);
    }

    @Override
    public List<String> partitionValues(String relativeDir, String column) {
      return local.partitionValues(relativeDir, column);
    }

    @Override
    public InputStream open(String relative) throws IOException {
      return local.open(relative);
    }

    @Override
    public OutputStream create(String relative) throws IOException {
      return local.create(relative);
    }

    @Override
    public boolean exists(String relative) {
      return local.exists(relative);
    }

    @Override
    public void delete(String relative) {
      local.delete(relative);
    }
  }

  private Path partition(SilverTable table, LocalDate date) {
    return lake.path(table.lakePartition(date));
  }

  private List<Trade> storedTrades(LocalDate date) {
    return store.rows("SELECT symbol, seq, toUnixTimestamp64Micro(event_time) AS us, price, size,"
            + " side, exchange FROM silver.trades WHERE trade_date = '" + date
            + "' ORDER BY symbol, seq").stream()
        .map(r -> new Trade((String) r.get("symbol"), num(r, "seq").longValue(),
            num(r, "us").longValue(), num(r, "price").doubleValue(), num(r, "size").doubleValue(),
            (String) r.get("side"), (String) r.get("exchange")))
        .toList();
  }

  @Test
  void jsonRowsUpsertByKeySoAReplayedOrReEmittedBarReplacesTheEarlierOne() {
    String bar = "{\"symbol\":\"AAPL\",\"bar_start\":\"2026-09-01 14:31:00.000000\","
        + "\"trade_date\":\"2026-09-01\",\"open\":1,\"high\":3,\"low\":0.5,\"close\":%s,"
        + "\"volume\":10,\"notional\":20,\"vwap\":2,\"trade_count\":%d}";
    store.insertJsonEachRow("silver.bars_1m", bar.formatted("2", 4) + "\n");
    store.insertJsonEachRow("silver.bars_1m", bar.formatted("2.5", 5) + "\n");
    store.insertJsonEachRow("silver.bars_1m", " ");

    assertThat(store.count(SilverTable.BARS_1M, DAY1)).isEqualTo(2);
    List<Bar> finalBars = store.rows("SELECT symbol, toUnixTimestamp64Micro(bar_start) AS us, open,"
            + " high, low, close, volume, notional, vwap, trade_count FROM silver.bars_1m FINAL")
        .stream()
        .map(r -> new Bar((String) r.get("symbol"), num(r, "us").longValue(),
            num(r, "open").doubleValue(), num(r, "high").doubleValue(),
            num(r, "low").doubleValue(), num(r, "close").doubleValue(),
            num(r, "volume").doubleValue(), num(r, "notional").doubleValue(),
            num(r, "vwap").doubleValue(), num(r, "trade_count").longValue()))
        .toList();
    long start = java.time.Instant.parse("2026-09-01T14:31:00Z").toEpochMilli() * 1000;
    assertThat(finalBars).containsExactly(new Bar("AAPL", start, 1, 3, 0.5, 2.5, 10, 20, 2, 5));
  }

  private List<Bar> storedBars(LocalDate date) {
    return store.rows("SELECT symbol, toUnixTimestamp64Micro(bar_start) AS us, open, high, low,"
            + " close, volume, notional, vwap, trade_count FROM silver.bars_1m WHERE trade_date = '"
            + date + "' ORDER BY symbol, bar_start").stream()
        .map(r -> new Bar((String) r.get("symbol"), num(r, "us").longValue(),
            num(r, "open").doubleValue(), num(r, "high").doubleValue(),
            num(r, "low").doubleValue(), num(r, "close").doubleValue(),
            num(r, "volume").doubleValue(), num(r, "notional").doubleValue(),
            num(r, "vwap").doubleValue(), num(r, "trade_count").longValue()))
        .toList();
  }

  /** A one-value query, asked through the store under test. */
  private long scalar(String sql) {
    return ((Number) store.rows(sql).get(0).values().iterator().next()).longValue();
  }

  private static Number num(Map<String, Object> row, String column) {
    return (Number) row.get(column);
  }

  private static List<Trade> sorted(List<Trade> trades) {
    return trades.stream()
        .sorted(Comparator.comparing(Trade::symbol).thenComparingLong(Trade::seq)).toList();
  }

  private static List<Bar> sortedBars(List<Bar> bars) {
    return bars.stream()
        .sorted(Comparator.comparing(Bar::symbol).thenComparingLong(Bar::barStartMicros)).toList();
  }
}
