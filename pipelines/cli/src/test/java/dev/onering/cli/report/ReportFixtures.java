package dev.onering.cli.report;

import dev.onering.gold.DailyBar;
import dev.onering.gold.GoldDailyRow;
import dev.onering.gold.GoldMetrics;
import dev.onering.gold.InstrumentSummary;
import dev.onering.instruments.Instrument;
import dev.onering.instruments.ReferenceData;
import dev.onering.pipeline.RunReport;
import dev.onering.pipeline.RunReport.Candle;
import dev.onering.pipeline.RunReport.IntradaySeries;
import dev.onering.pipeline.RunReport.MinuteBar;
import dev.onering.pipeline.RunReport.PriceSeries;
import dev.onering.pipeline.StepResult;
import dev.onering.pipeline.StepResult.Status;
import dev.onering.simulator.Defect;
import dev.onering.simulator.Manifest;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.RejectReason;
import dev.onering.ticks.Tick;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Run reports for the tests: a small hand-made full one, a failed one, and one from the real simulator. */
final class ReportFixtures {
  private ReportFixtures() {}

  static final Instant T0 = Instant.parse("2026-11-23T15:02:00.120Z");
  static final LocalDate RUN_DATE = LocalDate.of(2026, 9, 1);

  static StepResult step(
      String id, Status status, long startMs, long durationMs, long in, long out, long rejected,
      Map<String, Object> details, String error) {
    return new StepResult(id, RUN_DATE, status, T0.plusMillis(startMs), durationMs, in, out, rejected, details, null, error);
  }

  /** Every section filled, with numbers small enough to check by hand. */
  static RunReport full() {
    Map<String, Object> silverDetails = new LinkedHashMap<>();
    Map<String, Object> byReason = new LinkedHashMap<>();
    byReason.put("duplicate", 141);
    byReason.put("malformed_json", 144);
    silverDetails.put("quarantine_by_reason", byReason);
    List<StepResult> steps = List.of(
        step("migrate", Status.success, 0, 850, 0, 0, 0, null, null),
        step("generate", Status.success, 900, 2_400, 0, 36_120, 0, Map.of("files", 1), null),
        step("ingest-csv", Status.skipped, 3_300, 0, 0, 0, 0, null, null),
        step("silver", Status.success, 3_400, 8_421, 36_120, 35_802, 318, silverDetails, null),
        step("gold", Status.success, 11_900, 5_100, 35_802, 80, 0,
            Map.of("daily_rows", 80, "headline", "Gold since the previous run: daily bars 4 added, 0 removed, 2 changed"), null));

    Map<String, Long> layers = new LinkedHashMap<>();
    layers.put("bronze", 36_120L);
    layers.put("silver", 35_802L);
    layers.put("gold", 80L);
    layers.put("quarantine", 318L);

    Map<String, Long> quarantine = new LinkedHashMap<>();
    quarantine.put("duplicate", 141L);
    quarantine.put("malformed_json", 144L);
    quarantine.put("price_spike", 18L);
    quarantine.put("null_price", 15L);

    Map<String, Long> defects = new LinkedHashMap<>();
    for (Defect d : Defect.values()) {
      defects.put(d.code(), 0L);
    }
    defects.put("duplicate", 141L);
    defects.put("malformed", 144L);
    defects.put("spike", 20L); // two fewer quarantined than injected: the page must show the gap
    defects.put("null_price", 15L);
    defects.put("out_of_order", 300L);
    Map<String, Double> rates = new LinkedHashMap<>();
    for (Defect d : Defect.values()) {
      rates.put(d.code(), d.defaultRate());
    }
    Map<LocalDate, Manifest.DateCounts> byDate = new TreeMap<>();
    byDate.put(RUN_DATE, new Manifest.DateCounts(35_500, 36_120, defects));
    Manifest manifest = new Manifest(
        42, RUN_DATE, 1, 1_500, List.of("AAPL", "BTC-USDT"), rates, 35_500, 36_120, defects, byDate);

    List<Map<String, Object>> quality = new ArrayList<>();
    quality.add(expectation("expect_column_values_to_not_be_null", true, 0, "critical"));
    quality.add(expectation("expect_column_values_to_be_between", false, "3 rows out of range", "warning"));

    return new RunReport(
        "20261123T150200Z-demo", "medallion", "embedded", "/tmp/onering/data/lake", T0,
        T0.plusMillis(17_000), 17_000, Status.success, steps, layers, quarantine,
        List.of(series("AAPL", "equity", 40, 190), series("BTC-USDT", "crypto", 40, 60_000)),
        intraday("AAPL", 30), List.of(summary("AAPL", "equity", 190, 201.5, 0.18, -0.051, 1.2, 55.0),
            summary("BTC-USDT", "crypto", 60_000, 57_300, 0.61, -0.12, -2.4, 28.5)),
        manifest, quality, model());
  }

  private static Map<String, Object> expectation(String name, boolean success, Object observed, String severity) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("expectation", name);
    m.put("success", success);
    m.put("observed_value", observed);
    m.put("severity", severity);
    return m;
  }

  /** A wave with a drift; the first 19 days have no SMA and the first 14 no RSI, as in Gold. */
  /** A model section as train, register and drift leave it: four folds, a model that loses on log loss. */
  static dev.onering.ml.ModelSection model() {
    java.util.List<dev.onering.ml.TrainingReport.FoldResult> folds = new java.util.ArrayList<>();
    for (int f = 1; f <= 4; f++) {
      LocalDate from = LocalDate.of(2026, 9, 1).plusDays(5L * f);
      folds.add(new dev.onering.ml.TrainingReport.FoldResult(f, LocalDate.of(2026, 8, 20), from.minusDays(6), from,
          from.plusDays(4), 200 + 40 * f, 48, 30, 0.5, new dev.onering.ml.Metrics.Scores(0.6 + 0.02 * f, 0.68, 0.58),
          new dev.onering.ml.Metrics.Scores(0.5, 0.693, 0.5), new dev.onering.ml.Metrics.Scores(0.55, 0.67, 0.56)));
    }
    var overall = new dev.onering.ml.TrainingReport.Comparison(192, 0.5, new dev.onering.ml.Metrics.Scores(0.65, 0.68, 0.58),
        new dev.onering.ml.Metrics.Scores(0.5, 0.693, 0.5), new dev.onering.ml.Metrics.Scores(0.55, 0.67, 0.56));
    var training = new dev.onering.ml.TrainingReport("onering", T0, "20261123T150200Z-demo", "label",
        "1 when |zscore_20| five trading days later is below today's", 5, List.of("ret_1", "zscore_20", "rsi_14"),
        Map.of("max_depth", 3, "eta", 0.05), 1256, 632, 0.503, LocalDate.of(2026, 8, 28), LocalDate.of(2026, 9, 25),
        folds, overall, folds.get(3), LocalDate.of(2026, 8, 20), LocalDate.of(2026, 9, 14),
        List.of(new dev.onering.ml.TrainingReport.Importance("zscore_20", 120.5, 0.6, 40),
            new dev.onering.ml.TrainingReport.Importance("rsi_14", 60.2, 0.3, 22),
            new dev.onering.ml.TrainingReport.Importance("ret_1", 20.1, 0.1, 9)),
        dev.onering.ml.Calibration.bins(new double[] {0.1, 0.2, 0.35, 0.5, 0.55, 0.8, 0.9}, new int[] {0, 0, 1, 0, 1, 1, 1}, 10),
        false, "The model does NOT beat both baselines: out of fold, the model's AUC is 0.650 and log loss 0.6800; "
            + "majority class 0.500 / 0.6930; z-score rule 0.550 / 0.6700.");
    var drift = new dev.onering.ml.DriftReport(LocalDate.of(2026, 8, 20), LocalDate.of(2026, 9, 14), LocalDate.of(2026, 9, 15),
        LocalDate.of(2026, 9, 30), 26, 16, List.of(new dev.onering.ml.DriftReport.Feature("zscore_20", 0.42, "ks", false),
            new dev.onering.ml.DriftReport.Feature("rv_20", 0.001, "ks", true)), "/lake/gold/ml/drift/x/drift.html");
    return new dev.onering.ml.ModelSection(training, null, drift);
  }

  static PriceSeries series(String symbol, String assetClass, int days, double level) {
    List<Candle> candles = new ArrayList<>();
    for (int i = 0; i < days; i++) {
      double open = level * (1 + 0.05 * Math.sin(i / 5.0) + 0.002 * i);
      double close = open * (1 + 0.01 * Math.cos(i));
      candles.add(new Candle(
          RUN_DATE.minusDays(days - 1L - i), open, Math.max(open, close) * 1.01, Math.min(open, close) * 0.99, close,
          1_000 + 10 * i, i >= 19 ? level * (1 + 0.002 * i) : null, i >= 19 ? 2.5 * Math.sin(i / 3.0) : null,
          i >= 14 ? 50 + 30 * Math.sin(i / 4.0) : null));
    }
    return new PriceSeries(symbol, assetClass, candles);
  }

  static IntradaySeries intraday(String symbol, int minutes) {
    List<MinuteBar> bars = new ArrayList<>();
    Instant open = RUN_DATE.atTime(13, 30).toInstant(java.time.ZoneOffset.UTC);
    for (int i = 0; i < minutes; i++) {
      double o = 190 + Math.sin(i / 4.0);
      double c = o + 0.2 * Math.cos(i);
      bars.add(new MinuteBar(open.plusSeconds(60L * i), o, Math.max(o, c) + 0.1, Math.min(o, c) - 0.1, c, 100 + i, (o + c) / 2));
    }
    return new IntradaySeries(symbol, RUN_DATE, bars);
  }

  static InstrumentSummary summary(
      String symbol, String assetClass, double firstOpen, double lastClose, double vol, double drawdown, double z,
      double rsi) {
    return new InstrumentSummary(
        symbol, assetClass.equals("crypto") ? "BINANCE" : "XNAS", assetClass, "ticks", RUN_DATE.minusDays(39), RUN_DATE,
        40, firstOpen, lastClose, lastClose / firstOpen - 1, lastClose * 1.1, firstOpen * 0.9, 40_000, 1_000, 12_000L,
        vol, drawdown, z, rsi);
  }

  /** A run that died in Silver: nothing after it, and no data sections at all. */
  static RunReport failed(String error) {
    List<StepResult> steps = List.of(
        step("migrate", Status.success, 0, 850, 0, 0, 0, null, null),
        step("generate", Status.success, 900, 2_400, 0, 36_120, 0, null, null),
        step("silver", Status.failed, 3_400, 1_200, 36_120, 0, 0, null, error),
        step("gold", Status.skipped, 4_700, 0, 0, 0, 0, Map.of("reason", "upstream step 'silver' did not succeed"), null));
    return new RunReport(
        "20261123T150200Z-failed", "medallion", "embedded", "/tmp/onering/data/lake", T0, T0.plusMillis(4_700), 4_700,
        Status.failed, steps, null, null, null, null, null, null, null, null);
  }

  /**
   * A report as `make demo` would write it, from the real simulator and the real Gold formulas:
   * for looking at, not for asserting exact figures.
   */
  static RunReport realistic() throws Exception {
    SimulationConfig config = SimulationConfig.defaults().withSize(8, 150, 250);
    ReferenceData reference = ReferenceData.standard();
    MarketSimulator sim = new MarketSimulator(config, reference);
    Map<String, List<DailyBar>> daily = new LinkedHashMap<>();
    sim.instruments().forEach(i -> daily.put(i.symbol(), new ArrayList<>()));
    String intradaySymbol = sim.instruments().get(0).symbol();
    List<List<Tick>> lastDay = new ArrayList<>(List.of(List.of()));
    Manifest manifest = sim.run(day -> {
      Map<String, List<Tick>> bySymbol = new LinkedHashMap<>();
      for (Tick t : day.truth()) {
        bySymbol.computeIfAbsent(t.symbol(), k -> new ArrayList<>()).add(t);
      }
      bySymbol.forEach((symbol, ticks) -> daily.get(symbol).add(dailyBar(symbol, day.date(), ticks)));
      List<Tick> own = bySymbol.get(intradaySymbol);
      if (own != null && !own.isEmpty()) {
        lastDay.set(0, own);
      }
    });

    List<PriceSeries> prices = new ArrayList<>();
    List<InstrumentSummary> summaries = new ArrayList<>();
    long goldRows = 0;
    for (Instrument inst : sim.instruments()) {
      List<GoldDailyRow> rows = GoldMetrics.daily(
          new GoldMetrics.Identity(inst.symbol(), inst.exchange(), inst.assetClass().code(), "ticks",
              inst.assetClass().periodsPerYear()),
          daily.get(inst.symbol()));
      goldRows += rows.size();
      summaries.add(GoldMetrics.summary(rows));
      if (prices.size() < 6) {
        prices.add(new PriceSeries(inst.symbol(), inst.assetClass().code(), rows.stream()
            .map(r -> new Candle(r.tradeDate(), r.open(), r.high(), r.low(), r.close(), r.volume(), r.sma20(), r.zscore20(), r.rsi14()))
            .toList()));
      }
    }
    List<Tick> day = lastDay.get(0);
    IntradaySeries intraday = new IntradaySeries(intradaySymbol, day.get(0).tradeDate(), minuteBars(day));

    Map<String, Long> quarantine = new LinkedHashMap<>();
    long quarantined = 0;
    for (RejectReason reason : RejectReason.values()) {
      long n = manifest.expectedQuarantine(reason);
      if (n > 0) {
        quarantine.put(reason.code(), n);
        quarantined += n;
      }
    }
    Map<String, Long> layers = new LinkedHashMap<>();
    layers.put("bronze", manifest.lines());
    layers.put("silver", manifest.lines() - quarantined);
    layers.put("gold", goldRows);
    layers.put("quarantine", quarantined);

    Map<String, Object> silverDetails = new LinkedHashMap<>();
    silverDetails.put("quarantine_by_reason", quarantine);
    silverDetails.put("bars_1m", manifest.cleanTicks() / 3);
    List<StepResult> steps = List.of(
        step("migrate", Status.success, 0, 1_930, 0, 0, 0, Map.of("changesets", 7), null),
        step("generate", Status.success, 0, 6_480, 0, manifest.lines(), 0, null, null),
        step("ingest-csv", Status.success, 0, 410, 3, 3, 0, Map.of("files", 3), null),
        step("silver", Status.success, 6_600, 21_842, manifest.lines(), manifest.lines() - quarantined, quarantined, silverDetails, null),
        step("silver-csv", Status.success, 6_600, 5_210, 612, 610, 2, null, null),
        step("load-silver", Status.success, 28_500, 4_120, manifest.lines() - quarantined, manifest.lines() - quarantined, 0, null, null),
        step("gold", Status.success, 28_500, 11_760, manifest.lines() - quarantined, goldRows, 0, null, null),
        step("publish-gold", Status.success, 40_300, 2_050, goldRows, goldRows, 0, null, null));
    Instant end = T0.plus(Duration.ofMillis(42_350));
    return new RunReport(
        "20261123T150200Z-a1b2c3", "medallion", "embedded", "/home/dev/onering/data/lake", T0, end, 42_350,
        Status.success, steps, layers, quarantine, prices, intraday, summaries, manifest, null, null);
  }

  private static DailyBar dailyBar(String symbol, LocalDate date, List<Tick> ticks) {
    List<Tick> sorted = new ArrayList<>(ticks);
    sorted.sort((a, b) -> Long.compare(a.eventTimeMicros(), b.eventTimeMicros()));
    double high = Double.NEGATIVE_INFINITY, low = Double.POSITIVE_INFINITY, volume = 0, notional = 0;
    for (Tick t : sorted) {
      high = Math.max(high, t.price());
      low = Math.min(low, t.price());
      volume += t.size();
      notional += t.price() * t.size();
    }
    return new DailyBar(symbol, date, sorted.get(0).price(), high, low, sorted.get(sorted.size() - 1).price(), volume,
        notional / volume, (long) sorted.size());
  }

  private static List<MinuteBar> minuteBars(List<Tick> ticks) {
    TreeMap<Long, List<Tick>> byMinute = new TreeMap<>();
    for (Tick t : ticks) {
      byMinute.computeIfAbsent(Math.floorDiv(t.eventTimeMicros(), 60_000_000L), k -> new ArrayList<>()).add(t);
    }
    List<MinuteBar> bars = new ArrayList<>();
    byMinute.forEach((minute, list) -> {
      list.sort((a, b) -> Long.compare(a.eventTimeMicros(), b.eventTimeMicros()));
      double high = Double.NEGATIVE_INFINITY, low = Double.POSITIVE_INFINITY, volume = 0, notional = 0;
      for (Tick t : list) {
        high = Math.max(high, t.price());
        low = Math.min(low, t.price());
        volume += t.size();
        notional += t.price() * t.size();
      }
      bars.add(new MinuteBar(Instant.ofEpochSecond(minute * 60), list.get(0).price(), high, low,
          list.get(list.size() - 1).price(), volume, notional / volume));
    });
    return bars;
  }
}
