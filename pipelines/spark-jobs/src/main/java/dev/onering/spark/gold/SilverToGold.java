package dev.onering.spark.gold;

import dev.onering.gold.DailyBar;
import dev.onering.gold.DailyFold;
import dev.onering.gold.GoldDailyRow;
import dev.onering.gold.GoldMetrics;
import dev.onering.gold.InstrumentSummary;
import dev.onering.instruments.AssetClass;
import dev.onering.instruments.Instrument;
import dev.onering.instruments.ReferenceData;
import dev.onering.spark.lake.LakeTables;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Silver to Gold: daily bars from the 1-minute bars and the CSV import, then the metrics of
 * {@link GoldMetrics} per symbol, and the instrument summary.
 *
 * <p>No Spark: the minutes are folded into days as Iceberg's reader streams them ({@link DailyFold}),
 * and Gold itself is one row per symbol and day, small enough that the metrics run over each
 * symbol's series in order, the form in which Wilder smoothing and rolling windows are plainest to
 * read and test.
 */
public final class SilverToGold {
  private SilverToGold() {}

  public static final String SOURCE_TICKS = "ticks";
  public static final String SOURCE_CSV = "csv";

  public record GoldTables(List<GoldDailyRow> daily, List<InstrumentSummary> summary) {}

  /**
   * Gold from daily bars of both sources. Where a symbol has a day from ticks and from CSV, the
   * ticks win: they are the finer record.
   */
  public static GoldTables compute(List<DailyBar> fromTicks, List<DailyBar> fromCsv, ReferenceData reference) {
    Map<String, TreeMap<LocalDate, DailyBar>> series = new TreeMap<>();
    Map<String, TreeMap<LocalDate, String>> sources = new TreeMap<>();
    for (DailyBar b : fromCsv) {
      series.computeIfAbsent(b.symbol(), k -> new TreeMap<>()).put(b.tradeDate(), b);
      sources.computeIfAbsent(b.symbol(), k -> new TreeMap<>()).put(b.tradeDate(), SOURCE_CSV);
    }
    for (DailyBar b : fromTicks) {
      series.computeIfAbsent(b.symbol(), k -> new TreeMap<>()).put(b.tradeDate(), b);
      sources.computeIfAbsent(b.symbol(), k -> new TreeMap<>()).put(b.tradeDate(), SOURCE_TICKS);
    }
    List<GoldDailyRow> daily = new ArrayList<>();
    List<InstrumentSummary> summary = new ArrayList<>();
    series.forEach(
        (symbol, days) -> {
          Optional<Instrument> instrument = reference.find(symbol);
          AssetClass assetClass = instrument.map(Instrument::assetClass).orElse(AssetClass.IMPORTED);
          boolean anyTicks = sources.get(symbol).containsValue(SOURCE_TICKS);
          var id = new GoldMetrics.Identity(
              symbol, instrument.map(Instrument::exchange).orElse("IMPORTED"), assetClass.code(),
              anyTicks ? SOURCE_TICKS : SOURCE_CSV, assetClass.periodsPerYear());
          List<GoldDailyRow> rows = GoldMetrics.daily(id, new ArrayList<>(days.values()));
          // The summary speaks for the symbol (ticks if it has any); each day keeps its own source.
          summary.add(GoldMetrics.summary(rows));
          for (GoldDailyRow r : rows) {
            daily.add(withSource(r, sources.get(symbol).get(r.tradeDate())));
          }
        });
    return new GoldTables(daily, summary);
  }

  private static GoldDailyRow withSource(GoldDailyRow r, String source) {
    return r.source().equals(source) ? r : new GoldDailyRow(
        r.symbol(), r.tradeDate(), r.exchange(), r.assetClass(), source, r.open(), r.high(), r.low(), r.close(),
        r.volume(), r.vwap(), r.tradeCount(), r.returnSimple(), r.returnLog(), r.sma20(), r.sd20(), r.zscore20(),
        r.rv20(), r.rsi14());
  }

  /**
   * The step: rebuilds Gold from all of Silver's published snapshot ({@code main}); each Gold table
   * is replaced whole in one commit, so a crash leaves the previous Gold.
   */
  public static GoldTables run(LakeTables tables) {
    GoldTables gold = compute(dailyFromBars(tables), dailyImported(tables), ReferenceData.standard());
    write(tables, gold);
    return gold;
  }

  /**
   * The days of {@code silver.bars_1m} (the batch's and the stream's bars), folded as Iceberg's
   * reader hands the bars over in this JVM: a Spark job for it cost more in planning and start-up
   * than the fold of half a million bars, which {@link DailyFold} keeps at a few hundred
   * accumulators (docs/bench.md).
   */
  static List<DailyBar> dailyFromBars(LakeTables tables) {
    if (tables.find(LakeTables.Id.SILVER_BARS_1M).isEmpty()) {
      return List.of();
    }
    DailyFold fold = new DailyFold();
    // By name: a projection keeps the table's column order, not the order asked for.
    tables.forEach(LakeTables.Id.SILVER_BARS_1M, List.of("symbol", "trade_date", "bar_start", "open", "high",
        "low", "close", "volume", "notional", "trade_count"), r -> fold.add((String) r.getField("symbol"),
        (LocalDate) r.getField("trade_date"), micros((OffsetDateTime) r.getField("bar_start")),
        (Double) r.getField("open"), (Double) r.getField("high"), (Double) r.getField("low"),
        (Double) r.getField("close"), (Double) r.getField("volume"), (Double) r.getField("notional"),
        (Long) r.getField("trade_count")));
    return fold.result();
  }

  private static long micros(OffsetDateTime t) {
    return t.toEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** The days imported from CSV ({@code silver.daily_imported}), by symbol and day. */
  static List<DailyBar> dailyImported(LakeTables tables) {
    if (tables.find(LakeTables.Id.SILVER_DAILY_IMPORTED).isEmpty()) {
      return List.of();
    }
    List<DailyBar> out = new ArrayList<>();
    tables.forEach(LakeTables.Id.SILVER_DAILY_IMPORTED,
        List.of("symbol", "trade_date", "open", "high", "low", "close", "volume"),
        r -> out.add(new DailyBar((String) r.getField("symbol"), (LocalDate) r.getField("trade_date"),
            (Double) r.getField("open"), (Double) r.getField("high"), (Double) r.getField("low"),
            (Double) r.getField("close"), (Double) r.getField("volume"), null, null)));
    out.sort(Comparator.comparing(DailyBar::symbol).thenComparing(DailyBar::tradeDate));
    return out;
  }

  /**
   * Replaces each Gold table whole, in one commit, with Iceberg's writer in this JVM: Gold is a
   * few hundred rows, which a Spark write job (planning, a task) took seconds to write.
   */
  public static void write(LakeTables tables, GoldTables gold) {
    Table daily = tables.create(LakeTables.Id.GOLD_DAILY_BARS, GoldRows.DAILY);
    tables.replaceAll(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.MAIN,
        gold.daily().stream().map(r -> GoldRows.toRecord(daily.schema(), r)).toList());
    Table summary = tables.create(LakeTables.Id.GOLD_INSTRUMENT_SUMMARY, GoldRows.SUMMARY);
    tables.replaceAll(LakeTables.Id.GOLD_INSTRUMENT_SUMMARY, LakeTables.MAIN,
        gold.summary().stream().map(s -> GoldRows.toRecord(summary.schema(), s)).toList());
  }

  /** Reads Gold's current snapshot back, for publishing and the report. */
  public static GoldTables read(LakeTables tables) {
    return read(tables, Map.of());
  }

  /**
   * Reads Gold as of the given snapshots (time travel: a table absent from {@code asOf} is read at
   * its current snapshot), e.g. the ids an earlier run's report shows. Iceberg's reader in this
   * JVM, no Spark.
   */
  public static GoldTables read(LakeTables tables, Map<LakeTables.Id, Long> asOf) {
    for (LakeTables.Id id : List.of(LakeTables.Id.GOLD_DAILY_BARS, LakeTables.Id.GOLD_INSTRUMENT_SUMMARY)) {
      if (tables.find(id).isEmpty()) {
        throw new IllegalStateException("no Gold table " + id.qualifiedName() + " in the catalog at "
            + tables.jdbcUrl() + "; run the gold step first (onering gold)");
      }
    }
    List<GoldDailyRow> daily = new ArrayList<>();
    for (Record r : tables.rows(LakeTables.Id.GOLD_DAILY_BARS, asOf.get(LakeTables.Id.GOLD_DAILY_BARS))) {
      daily.add(GoldRows.daily(r));
    }
    daily.sort(Comparator.comparing(GoldDailyRow::symbol).thenComparing(GoldDailyRow::tradeDate));
    List<InstrumentSummary> summary = new ArrayList<>();
    for (Record r : tables.rows(LakeTables.Id.GOLD_INSTRUMENT_SUMMARY,
        asOf.get(LakeTables.Id.GOLD_INSTRUMENT_SUMMARY))) {
      summary.add(GoldRows.summary(r));
    }
    summary.sort(Comparator.comparing(InstrumentSummary::symbol));
    return new GoldTables(daily, summary);
  }

  /** Row mapping for the gold tables, the names of docs/data-model.md. */
  public static final class GoldRows {
    private GoldRows() {}

    public static final StructType DAILY =
        new StructType()
            .add("symbol", DataTypes.StringType, false)
            .add("trade_date", DataTypes.DateType, false)
            .add("exchange", DataTypes.StringType, false)
            .add("asset_class", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("open", DataTypes.DoubleType, false)
            .add("high", DataTypes.DoubleType, false)
            .add("low", DataTypes.DoubleType, false)
            .add("close", DataTypes.DoubleType, false)
            .add("volume", DataTypes.DoubleType, false)
            .add("vwap", DataTypes.DoubleType, true)
            .add("trade_count", DataTypes.LongType, true)
            .add("return_simple", DataTypes.DoubleType, true)
            .add("return_log", DataTypes.DoubleType, true)
            .add("sma_20", DataTypes.DoubleType, true)
            .add("sd_20", DataTypes.DoubleType, true)
            .add("zscore_20", DataTypes.DoubleType, true)
            .add("rv_20", DataTypes.DoubleType, true)
            .add("rsi_14", DataTypes.DoubleType, true);

    public static final StructType SUMMARY =
        new StructType()
            .add("symbol", DataTypes.StringType, false)
            .add("exchange", DataTypes.StringType, false)
            .add("asset_class", DataTypes.StringType, false)
            .add("source", DataTypes.StringType, false)
            .add("first_date", DataTypes.DateType, false)
            .add("last_date", DataTypes.DateType, false)
            .add("trading_days", DataTypes.IntegerType, false)
            .add("first_open", DataTypes.DoubleType, false)
            .add("last_close", DataTypes.DoubleType, false)
            .add("period_return", DataTypes.DoubleType, false)
            .add("high", DataTypes.DoubleType, false)
            .add("low", DataTypes.DoubleType, false)
            .add("total_volume", DataTypes.DoubleType, false)
            .add("avg_daily_volume", DataTypes.DoubleType, false)
            .add("total_trades", DataTypes.LongType, true)
            .add("annualised_vol", DataTypes.DoubleType, true)
            .add("max_drawdown", DataTypes.DoubleType, false)
            .add("last_zscore_20", DataTypes.DoubleType, true)
            .add("last_rsi_14", DataTypes.DoubleType, true);

    static Record toRecord(Schema schema, GoldDailyRow r) {
      return record(schema, r.symbol(), r.tradeDate(), r.exchange(), r.assetClass(), r.source(), r.open(),
          r.high(), r.low(), r.close(), r.volume(), r.vwap(), r.tradeCount(), r.returnSimple(), r.returnLog(),
          r.sma20(), r.sd20(), r.zscore20(), r.rv20(), r.rsi14());
    }

    static Record toRecord(Schema schema, InstrumentSummary s) {
      return record(schema, s.symbol(), s.exchange(), s.assetClass(), s.source(), s.firstDate(), s.lastDate(),
          s.tradingDays(), s.firstOpen(), s.lastClose(), s.periodReturn(), s.high(), s.low(), s.totalVolume(),
          s.avgDailyVolume(), s.totalTrades(), s.annualisedVol(), s.maxDrawdown(), s.lastZscore20(), s.lastRsi14());
    }

    /** Values in the order of the Spark schemas above, which the tables were created from. */
    private static Record record(Schema schema, Object... values) {
      GenericRecord rec = GenericRecord.create(schema);
      for (int i = 0; i < values.length; i++) {
        rec.set(i, values[i]);
      }
      return rec;
    }

    static GoldDailyRow daily(Record r) {
      return new GoldDailyRow((String) r.getField("symbol"), (LocalDate) r.getField("trade_date"),
          (String) r.getField("exchange"), (String) r.getField("asset_class"), (String) r.getField("source"),
          (Double) r.getField("open"), (Double) r.getField("high"), (Double) r.getField("low"),
          (Double) r.getField("close"), (Double) r.getField("volume"), (Double) r.getField("vwap"),
          (Long) r.getField("trade_count"), (Double) r.getField("return_simple"), (Double) r.getField("return_log"),
          (Double) r.getField("sma_20"), (Double) r.getField("sd_20"), (Double) r.getField("zscore_20"),
          (Double) r.getField("rv_20"), (Double) r.getField("rsi_14"));
    }

    static InstrumentSummary summary(Record r) {
      return new InstrumentSummary((String) r.getField("symbol"), (String) r.getField("exchange"),
          (String) r.getField("asset_class"), (String) r.getField("source"), (LocalDate) r.getField("first_date"),
          (LocalDate) r.getField("last_date"), (Integer) r.getField("trading_days"), (Double) r.getField("first_open"),
          (Double) r.getField("last_close"), (Double) r.getField("period_return"), (Double) r.getField("high"),
          (Double) r.getField("low"), (Double) r.getField("total_volume"), (Double) r.getField("avg_daily_volume"),
          (Long) r.getField("total_trades"), (Double) r.getField("annualised_vol"), (Double) r.getField("max_drawdown"),
          (Double) r.getField("last_zscore_20"), (Double) r.getField("last_rsi_14"));
    }
  }
}
