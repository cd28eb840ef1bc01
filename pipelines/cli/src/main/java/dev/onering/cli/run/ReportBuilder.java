package dev.onering.cli.run;

import dev.onering.cli.StepContext;
import dev.onering.gold.GoldDailyRow;
import dev.onering.cli.steps.TrainStep;
import dev.onering.gold.InstrumentSummary;
import dev.onering.ml.DriftReport;
import dev.onering.ml.ModelSection;
import dev.onering.ml.TrainingReport;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.RunReport;
import dev.onering.pipeline.StepResult;
import dev.onering.serving.clickhouse.ChDb;
import dev.onering.simulator.Manifest;
import dev.onering.spark.gold.SilverToGold;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gathers a run's figures: step results, counts per layer, quarantine reasons, and chart data
 * read back from the serving stores (Gold from the gold zone, intraday bars from ClickHouse), so
 * the report shows what a user of the stores would see.
 */
final class ReportBuilder {
  private static final int PRICE_SERIES = 6;
  private final StepContext ctx;

  ReportBuilder(StepContext ctx) {
    this.ctx = ctx;
  }

  RunReport build(String runId, Instant started, List<StepResult> steps, Manifest manifest) {
    Map<String, StepResult> byId = new LinkedHashMap<>();
    steps.forEach(s -> byId.put(s.step(), s));
    StepResult.Status status = steps.stream().anyMatch(s -> s.status() == StepResult.Status.failed)
        ? StepResult.Status.failed : StepResult.Status.success;

    Map<String, Long> layers = new LinkedHashMap<>();
    layers.put("bronze", rowsIn(byId, "silver") + rowsIn(byId, "silver-csv"));
    layers.put("silver", rowsOut(byId, "silver") + rowsOut(byId, "silver-csv"));
    layers.put("gold", byId.containsKey("gold") && byId.get("gold").succeeded()
        ? ((Number) byId.get("gold").details().get("daily_rows")).longValue() : 0L);
    layers.put("quarantine", rejected(byId, "silver") + rejected(byId, "silver-csv"));

    Map<String, Long> reasons = new TreeMap<>();
    for (String id : List.of("silver", "silver-csv")) {
      StepResult r = byId.get(id);
      if (r != null && r.succeeded() && r.details().get("quarantine_by_reason") instanceof Map<?, ?> m) {
        m.forEach((k, v) -> reasons.merge(String.valueOf(k), ((Number) v).longValue(), Long::sum));
      }
    }

    List<RunReport.PriceSeries> prices = new ArrayList<>();
    List<InstrumentSummary> instruments = List.of();
    RunReport.IntradaySeries intraday = null;
    if (byId.containsKey("gold") && byId.get("gold").succeeded()) {
      SilverToGold.GoldTables gold = SilverToGold.read(ctx.tables());
      instruments = gold.summary();
      prices = priceSeries(gold);
      if (!prices.isEmpty() && byId.containsKey("load-silver") && byId.get("load-silver").succeeded()) {
        intraday = intraday(prices.get(0).symbol());
      }
    }
    Instant finished = Instant.now();
    return new RunReport(runId, "medallion", "embedded", ctx.lake().root(), started, finished,
        Duration.between(started, finished).toMillis(), status, steps, layers, reasons, prices, intraday,
        instruments, manifest, quality(steps), model(byId));
  }

  /** The model section: train's report from the lake, register's and drift's results; null when train did not succeed. */
  private ModelSection model(Map<String, StepResult> byId) {
    StepResult train = byId.get("train");
    if (train == null || !train.succeeded()) {
      return null;
    }
    try {
      TrainingReport training = TrainStep.latestReport(ctx.lakeFiles());
      StepResult register = byId.get("register");
      StepResult drift = byId.get("drift");
      DriftReport driftReport = drift != null && drift.succeeded() && drift.details().get("report") != null
          ? Json.MAPPER.convertValue(drift.details().get("report"), DriftReport.class) : null;
      return new ModelSection(training, register != null && register.succeeded() ? register.details() : null, driftReport);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read the training report for the run report", e);
    }
  }

  /**
   * Every expectation the quality steps evaluated, one row each, in run order; null when no quality
   * step ran, so the report leaves the section out rather than show an empty one.
   */
  static List<Map<String, Object>> quality(List<StepResult> steps) {
    List<Map<String, Object>> rows = new ArrayList<>();
    boolean any = false;
    for (StepResult s : steps) {
      if (s.quality() instanceof Map<?, ?> q && q.get("expectations") instanceof List<?> list) {
        any = true;
        for (Object o : list) {
          if (o instanceof Map<?, ?> m) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("step", s.step());
            m.forEach((k, v) -> row.put(String.valueOf(k), v));
            rows.add(row);
          }
        }
      }
    }
    return any ? rows : null;
  }

  /** A few symbols to chart: equities and crypto alternately, then imported ones. */
  private static List<RunReport.PriceSeries> priceSeries(SilverToGold.GoldTables gold) {
    Map<String, List<GoldDailyRow>> bySymbol = new LinkedHashMap<>();
    gold.daily().forEach(r -> bySymbol.computeIfAbsent(r.symbol(), k -> new ArrayList<>()).add(r));
    List<String> order = new ArrayList<>();
    List<String> equities = new ArrayList<>();
    List<String> crypto = new ArrayList<>();
    List<String> imported = new ArrayList<>();
    for (InstrumentSummary s : gold.summary()) {
      (switch (s.assetClass()) {
        case "equity" -> equities;
        case "crypto" -> crypto;
        default -> imported;
      }).add(s.symbol());
    }
    for (int i = 0; order.size() < PRICE_SERIES && (i < equities.size() || i < crypto.size()); i++) {
      if (i < equities.size()) {
        order.add(equities.get(i));
      }
      if (i < crypto.size() && order.size() < PRICE_SERIES - Math.min(1, imported.size())) {
        order.add(crypto.get(i));
      }
    }
    for (String s : imported) {
      if (order.size() < PRICE_SERIES + 2) {
        order.add(s);
      }
    }
    List<RunReport.PriceSeries> out = new ArrayList<>();
    for (String symbol : order) {
      List<GoldDailyRow> rows = bySymbol.get(symbol);
      rows.sort(Comparator.comparing(GoldDailyRow::tradeDate));
      List<RunReport.Candle> candles = rows.stream()
          .map(r -> new RunReport.Candle(r.tradeDate(), r.open(), r.high(), r.low(), r.close(), r.volume(), r.sma20(),
              r.zscore20(), r.rsi14()))
          .toList();
      out.add(new RunReport.PriceSeries(symbol, rows.get(0).assetClass(), candles));
    }
    return out;
  }

  private static final DateTimeFormatter CH_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

  /** The symbol's last day of 1-minute bars, as ClickHouse serves them. */
  private RunReport.IntradaySeries intraday(String symbol) {
    String s = ChDb.quote(symbol);
    List<Map<String, Object>> rows = ctx.silver().rows(
        "SELECT toString(bar_start) AS minute, toString(trade_date) AS day, open, high, low, close, volume, vwap"
            + " FROM silver.bars_1m FINAL WHERE symbol = " + s
            + " AND trade_date = (SELECT max(trade_date) FROM silver.bars_1m WHERE symbol = " + s + ")"
            + " ORDER BY bar_start");
    if (rows.isEmpty()) {
      return null;
    }
    List<RunReport.MinuteBar> bars = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      bars.add(new RunReport.MinuteBar(
          LocalDateTime.parse((String) r.get("minute"), CH_TIME).toInstant(ZoneOffset.UTC),
          num(r.get("open")), num(r.get("high")), num(r.get("low")), num(r.get("close")), num(r.get("volume")),
          num(r.get("vwap"))));
    }
    return new RunReport.IntradaySeries(symbol, java.time.LocalDate.parse((String) rows.get(0).get("day")), bars);
  }

  private static double num(Object o) {
    return o instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(o));
  }

  private static long rowsIn(Map<String, StepResult> r, String id) {
    return r.containsKey(id) && r.get(id).succeeded() ? r.get(id).rowsIn() : 0;
  }

  private static long rowsOut(Map<String, StepResult> r, String id) {
    return r.containsKey(id) && r.get(id).succeeded() ? r.get(id).rowsOut() : 0;
  }

  private static long rejected(Map<String, StepResult> r, String id) {
    return r.containsKey(id) && r.get(id).succeeded() ? r.get(id).rowsRejected() : 0;
  }
}
