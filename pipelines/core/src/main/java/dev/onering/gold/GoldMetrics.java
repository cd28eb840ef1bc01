package dev.onering.gold;

import java.util.ArrayList;
import java.util.List;

/**
 * The Gold formulas, over one symbol's daily bars in date order. docs/metrics.md states each in
 * words with a worked example; the tests check them against hand-computed values.
 */
public final class GoldMetrics {

  public static final int SMA_WINDOW = 20;
  public static final int VOL_WINDOW = 20;
  public static final int RSI_PERIOD = 14;

  private GoldMetrics() {}

  /** Who the rows are about; copied onto every row. */
  public record Identity(String symbol, String exchange, String assetClass, String source, int periodsPerYear) {}

  public static List<GoldDailyRow> daily(Identity id, List<DailyBar> bars) {
    int n = bars.size();
    double[] close = new double[n];
    for (int i = 0; i < n; i++) {
      close[i] = bars.get(i).close();
      if (i > 0 && !bars.get(i).tradeDate().isAfter(bars.get(i - 1).tradeDate())) {
        throw new IllegalArgumentException(
            id.symbol() + ": daily bars must be in strictly increasing date order, "
                + bars.get(i - 1).tradeDate() + " is followed by " + bars.get(i).tradeDate());
      }
    }
    double[] logReturn = new double[n];
    Double[] rsi = rsi(close);
    List<GoldDailyRow> rows = new ArrayList<>(n);
    double annualise = Math.sqrt(id.periodsPerYear());
    for (int i = 0; i < n; i++) {
      DailyBar b = bars.get(i);
      Double simple = null;
      Double log = null;
      if (i > 0) {
        simple = close[i] / close[i - 1] - 1;
        logReturn[i] = Math.log(close[i] / close[i - 1]);
        log = logReturn[i];
      }
      Double sma = null;
      Double sd = null;
      Double z = null;
      if (i + 1 >= SMA_WINDOW) {
        sma = mean(close, i + 1 - SMA_WINDOW, i + 1);
        sd = sampleStdev(close, i + 1 - SMA_WINDOW, i + 1);
        z = sd > 0 ? (close[i] - sma) / sd : null;
      }
      Double rv = null;
      if (i >= VOL_WINDOW) { // VOL_WINDOW returns need VOL_WINDOW + 1 closes
        rv = sampleStdev(logReturn, i + 1 - VOL_WINDOW, i + 1) * annualise;
      }
      rows.add(
          new GoldDailyRow(
              id.symbol(), b.tradeDate(), id.exchange(), id.assetClass(), id.source(),
              b.open(), b.high(), b.low(), b.close(), b.volume(), b.vwap(), b.tradeCount(),
              simple, log, sma, sd, z, rv, rsi[i]));
    }
    return rows;
  }

  /**
   * RSI with Wilder's smoothing: the first average gain and loss are plain means of the first
   * {@link #RSI_PERIOD} changes; each later one is {@code (previous * 13 + current) / 14}.
   */
  static Double[] rsi(double[] close) {
    int n = close.length;
    Double[] out = new Double[n];
    if (n <= RSI_PERIOD) {
      return out;
    }
    double gain = 0;
    double loss = 0;
    for (int i = 1; i <= RSI_PERIOD; i++) {
      double change = close[i] - close[i - 1];
      gain += Math.max(change, 0);
      loss += Math.max(-change, 0);
    }
    gain /= RSI_PERIOD;
    loss /= RSI_PERIOD;
    out[RSI_PERIOD] = rsiOf(gain, loss);
    for (int i = RSI_PERIOD + 1; i < n; i++) {
      double change = close[i] - close[i - 1];
      gain = (gain * (RSI_PERIOD - 1) + Math.max(change, 0)) / RSI_PERIOD;
      loss = (loss * (RSI_PERIOD - 1) + Math.max(-change, 0)) / RSI_PERIOD;
      out[i] = rsiOf(gain, loss);
    }
    return out;
  }

  private static double rsiOf(double avgGain, double avgLoss) {
    if (avgLoss == 0) {
      return avgGain == 0 ? 50.0 : 100.0;
    }
    return 100.0 - 100.0 / (1.0 + avgGain / avgLoss);
  }

  public static InstrumentSummary summary(List<GoldDailyRow> rows) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("no rows to summarise");
    }
    GoldDailyRow first = rows.get(0);
    GoldDailyRow last = rows.get(rows.size() - 1);
    double high = Double.NEGATIVE_INFINITY;
    double low = Double.POSITIVE_INFINITY;
    double volume = 0;
    long trades = 0;
    boolean hasTrades = true;
    double peak = Double.NEGATIVE_INFINITY;
    double maxDrawdown = 0;
    double[] logReturns = new double[rows.size() - 1];
    for (int i = 0; i < rows.size(); i++) {
      GoldDailyRow r = rows.get(i);
      high = Math.max(high, r.high());
      low = Math.min(low, r.low());
      volume += r.volume();
      if (r.tradeCount() == null) {
        hasTrades = false;
      } else {
        trades += r.tradeCount();
      }
      peak = Math.max(peak, r.close());
      maxDrawdown = Math.min(maxDrawdown, r.close() / peak - 1);
      if (i > 0) {
        logReturns[i - 1] = r.returnLog();
      }
    }
    int periods = first.assetClass().equals("crypto") ? 365 : 252;
    Double annualisedVol =
        logReturns.length >= 2 ? sampleStdev(logReturns, 0, logReturns.length) * Math.sqrt(periods) : null;
    return new InstrumentSummary(
        first.symbol(), first.exchange(), first.assetClass(), first.source(),
        first.tradeDate(), last.tradeDate(), rows.size(),
        first.open(), last.close(), last.close() / first.open() - 1,
        high, low, volume, volume / rows.size(), hasTrades ? trades : null,
        annualisedVol, maxDrawdown, last.zscore20(), last.rsi14());
  }

  static double mean(double[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += v[i];
    }
    return s / (to - from);
  }

  /** Sample standard deviation (n - 1 in the denominator), two-pass for accuracy. */
  static double sampleStdev(double[] v, int from, int to) {
    double m = mean(v, from, to);
    double ss = 0;
    for (int i = from; i < to; i++) {
      double d = v[i] - m;
      ss += d * d;
    }
    return Math.sqrt(ss / (to - from - 1));
  }
}
