package dev.onering.serving.quality;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables the agreement test writes, as rows (column name to value, in the tables' column
 * order): Silver trades, one-minute bars and batch stats for ClickHouse, Gold daily bars and the
 * instrument summary for Postgres, and the Bronze lines of each day. {@link #clean()} meets every
 * expectation; {@link #dirty()} is the same data with one injected failure (at least) per
 * expectation type the suites use, each named below.
 */
record Data(List<Map<String, Object>> trades, List<Map<String, Object>> bars, List<Map<String, Object>> stats,
    Map<LocalDate, List<String>> bronze, List<Map<String, Object>> dailyBars, List<Map<String, Object>> summaries) {

  record Instrument(String symbol, String exchange, String assetClass, double price) {}

  static final List<Instrument> INSTRUMENTS = List.of(
      new Instrument("AAPL", "XNAS", "equity", 190.0),
      new Instrument("MSFT", "XNAS", "equity", 410.0),
      new Instrument("IBM", "XNYS", "equity", 240.0),
      new Instrument("BTC-USDT", "BINANCE", "crypto", 61000.0),
      new Instrument("ETH-USD", "COINBASE", "crypto", 2500.0));
  static final List<LocalDate> DAYS = List.of(GxAgreementTest.D0, GxAgreementTest.D1, GxAgreementTest.D2);
  static final int TRADES_PER_DAY = 4;
  static final int LINES_PER_DAY = 40;

  static Data clean() {
    List<Map<String, Object>> trades = new ArrayList<>();
    List<Map<String, Object>> bars = new ArrayList<>();
    List<Map<String, Object>> daily = new ArrayList<>();
    List<Map<String, Object>> summaries = new ArrayList<>();
    for (Instrument inst : INSTRUMENTS) {
      long seq = 1;
      for (int d = 0; d < DAYS.size(); d++) {
        LocalDate day = DAYS.get(d);
        LocalDateTime open = day.atTime(14, 30);
        List<Double> prices = new ArrayList<>();
        for (int k = 0; k < TRADES_PER_DAY; k++) {
          double price = inst.price() * (1 + 0.001 * d + 0.0005 * (k % 3) - 0.0004 * (k / 2));
          prices.add(price);
          // The last crypto trade of the run is late in its day: freshness looks at the latest event.
          LocalDateTime at = inst.assetClass().equals("crypto") && k == TRADES_PER_DAY - 1
              ? day.atTime(23, 59, 59, 250_000_000) : open.plusSeconds(20L * k);
          trades.add(trade(inst, seq++, at, day, price, 10.0 + k, k % 2 == 0 ? "buy" : "sell"));
        }
        for (int m = 0; m < 2; m++) {
          List<Double> p = prices.subList(2 * m, 2 * m + 2);
          bars.add(bar(inst.symbol(), open.plusMinutes(m), day, p.get(0), max(p), min(p), p.get(1), 2));
        }
        daily.add(dailyBar(inst, day, prices.get(0), max(prices), min(prices), prices.get(prices.size() - 1),
            0.01 * (d - 1), 0.3, 40.0 + 5 * d));
      }
      summaries.add(summary(inst.symbol(), inst, -0.1));
    }
    List<Map<String, Object>> stats = new ArrayList<>();
    Map<LocalDate, List<String>> bronze = new LinkedHashMap<>();
    for (LocalDate day : DAYS) {
      stats.add(stats(day, LINES_PER_DAY, 1));
      bronze.put(day, lines(day, 1));
    }
    return new Data(trades, bars, stats, bronze, daily, summaries);
  }

  static Data dirty() {
    Data d = clean();
    LocalDate d1 = GxAgreementTest.D1;
    LocalDate d2 = GxAgreementTest.D2;
    Instrument aapl = INSTRUMENTS.get(0);
    Instrument btc = INSTRUMENTS.get(3);
    // silver_trades: expect_column_values_to_not_be_null(price)
    d.trades.add(trade(aapl, 100, d1.atTime(15, 0), d1, null, 5.0, "buy"));
    // expect_column_values_to_be_between(size > 0)
    d.trades.add(trade(aapl, 101, d1.atTime(15, 1), d1, 190.5, 0.0, "sell"));
    // expect_column_values_to_be_in_set(side)
    d.trades.add(trade(aapl, 102, d1.atTime(15, 2), d1, 190.6, 3.0, "hold"));
    // expect_column_values_to_match_regex(symbol): a lower-case ticker
    d.trades.add(trade(new Instrument("aapl", "XNAS", "equity", 190), 103, d1.atTime(15, 3), d1, 190.7, 3.0, "buy"));
    // expect_compound_columns_to_be_unique(symbol, seq): MSFT's first D1 trade again on D2, in
    // another partition, where the table's ReplacingMergeTree never merges it away
    Map<String, Object> again = new LinkedHashMap<>(d.trades.stream()
        .filter(t -> t.get("symbol").equals("MSFT") && t.get("trade_date").equals(d1)).findFirst().orElseThrow());
    again.put("trade_date", d2);
    again.put("event_time", d2.atTime(14, 35));
    d.trades.add(again);
    // expect_column_max_to_be_between(event_time): an event after the run's last day
    d.trades.add(trade(btc, 104, d2.plusDays(1).atTime(0, 0, 1), d2, 61100.0, 1.0, "buy"));

    // silver_bars_1m: expect_table_row_count_to_be_between: no bars for the run's dates
    d.bars.removeIf(b -> !b.get("trade_date").equals(GxAgreementTest.D0));

    // silver_batch_stats: expect_column_mean_to_be_between(quarantine_share): 15% lost on D2
    d.stats.replaceAll(s -> s.get("trade_date").equals(d2) ? stats(d2, LINES_PER_DAY, 6) : s);

    // bronze_ticks: expect_column_values_to_match_regex(line, mostly 0.95): 6 of 80 lines malformed
    d.bronze.put(d2, lines(d2, 5));

    // gold_daily_bars: expect_column_pair_values_a_to_be_greater_than_b(high, low),
    // expect_column_values_to_be_between(rsi_14), expect_column_max_to_be_between(rv_20)
    for (Map<String, Object> row : d.dailyBars) {
      if (row.get("symbol").equals("IBM") && row.get("trade_date").equals(d2)) {
        row.put("high", (Double) row.get("low") - 1.0);
      }
      if (row.get("symbol").equals("ETH-USD") && row.get("trade_date").equals(d1)) {
        row.put("rsi_14", 120.0);
        row.put("rv_20", 7.0);
      }
    }
    // gold_instrument_summary: expect_column_values_to_be_unique(symbol) and
    // expect_column_values_to_be_between(max_drawdown)
    d.summaries.add(summary("AAPL", aapl, -0.2));
    d.summaries.replaceAll(s -> s.get("symbol").equals("MSFT") ? summary("MSFT", INSTRUMENTS.get(1), 0.2) : s);
    return d;
  }

  private static Map<String, Object> trade(Instrument inst, long seq, LocalDateTime at, LocalDate day, Double price,
      double size, String side) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("symbol", inst.symbol());
    t.put("seq", seq);
    t.put("event_time", at);
    t.put("trade_date", day);
    t.put("price", price);
    t.put("size", size);
    t.put("side", side);
    t.put("exchange", inst.exchange());
    return t;
  }

  private static Map<String, Object> bar(String symbol, LocalDateTime start, LocalDate day, double open, double high,
      double low, double close, long trades) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("symbol", symbol);
    b.put("bar_start", start);
    b.put("trade_date", day);
    b.put("open", open);
    b.put("high", high);
    b.put("low", low);
    b.put("close", close);
    b.put("volume", 21.0);
    b.put("notional", 21.0 * close);
    b.put("vwap", (open + close) / 2);
    b.put("trade_count", trades);
    return b;
  }

  private static Map<String, Object> stats(LocalDate day, long in, long quarantined) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("trade_date", day);
    s.put("lines_in", in);
    s.put("accepted", in - quarantined);
    s.put("quarantined", quarantined);
    s.put("quarantine_share", (double) quarantined / in);
    return s;
  }

  /** A day's Bronze lines: JSON objects, and {@code malformed} lines that are not. */
  private static List<String> lines(LocalDate day, int malformed) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < LINES_PER_DAY; i++) {
      out.add(i < malformed ? "AAPL," + i + ",not json" : "{\"symbol\":\"AAPL\",\"seq\":" + i + ",\"date\":\"" + day + "\"}");
    }
    return out;
  }

  private static Map<String, Object> dailyBar(Instrument inst, LocalDate day, double open, double high, double low,
      double close, double ret, double rv, double rsi) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("symbol", inst.symbol());
    b.put("trade_date", day);
    b.put("exchange", inst.exchange());
    b.put("asset_class", inst.assetClass());
    b.put("source", "ticks");
    b.put("open", open);
    b.put("high", high);
    b.put("low", low);
    b.put("close", close);
    b.put("volume", 46.0);
    b.put("return_simple", ret);
    b.put("rv_20", rv);
    b.put("rsi_14", rsi);
    return b;
  }

  private static Map<String, Object> summary(String symbol, Instrument inst, double drawdown) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("symbol", symbol);
    s.put("exchange", inst.exchange());
    s.put("asset_class", inst.assetClass());
    s.put("source", "ticks");
    s.put("first_date", GxAgreementTest.D0);
    s.put("last_date", GxAgreementTest.D2);
    s.put("trading_days", 3);
    s.put("first_open", inst.price());
    s.put("last_close", inst.price() * 1.002);
    s.put("period_return", 0.002);
    s.put("high", inst.price() * 1.003);
    s.put("low", inst.price() * 0.998);
    s.put("total_volume", 138.0);
    s.put("avg_daily_volume", 46.0);
    s.put("max_drawdown", drawdown);
    return s;
  }

  private static double max(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }

  private static double min(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }
}
