package dev.onering.gold;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Folds 1-minute bars into daily bars, fed in any order: the open is the earliest minute's, the
 * close the latest minute's, high and low the extremes, volume, notional and trades the sums, the
 * VWAP the notional over the volume. Memory is one accumulator per symbol and day, whatever the
 * number of bars.
 */
public final class DailyFold {
  private final Map<Key, Day> days = new HashMap<>();
  private Key lastKey;
  private Day last;

  private record Key(String symbol, LocalDate date) {}

  private static final class Day {
    long firstMinute = Long.MAX_VALUE;
    long lastMinute = Long.MIN_VALUE;
    double open;
    double close;
    double high = Double.NEGATIVE_INFINITY;
    double low = Double.POSITIVE_INFINITY;
    double volume;
    double notional;
    long trades;
  }

  /** One minute's bar; {@code minute} orders the minutes of a day (e.g. epoch micros of the start). */
  public void add(String symbol, LocalDate date, long minute, double open, double high, double low, double close,
      double volume, double notional, long trades) {
    // Bars come grouped by symbol and day from each file, so the previous day is nearly always it.
    Day d;
    if (last != null && lastKey.symbol().equals(symbol) && lastKey.date().equals(date)) {
      d = last;
    } else {
      Key key = new Key(Objects.requireNonNull(symbol, "symbol"), Objects.requireNonNull(date, "date"));
      d = days.computeIfAbsent(key, k -> new Day());
      lastKey = key;
      last = d;
    }
    if (minute < d.firstMinute) {
      d.firstMinute = minute;
      d.open = open;
    }
    if (minute > d.lastMinute) {
      d.lastMinute = minute;
      d.close = close;
    }
    d.high = Math.max(d.high, high);
    d.low = Math.min(d.low, low);
    d.volume += volume;
    d.notional += notional;
    d.trades += trades;
  }

  /** The daily bars so far, by symbol and day. */
  public List<DailyBar> result() {
    List<DailyBar> out = new ArrayList<>(days.size());
    days.forEach((k, d) -> out.add(new DailyBar(k.symbol(), k.date(), d.open, d.high, d.low, d.close, d.volume,
        d.notional / d.volume, d.trades)));
    out.sort(Comparator.comparing(DailyBar::symbol).thenComparing(DailyBar::tradeDate));
    return out;
  }
}
