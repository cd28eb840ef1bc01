package dev.onering.bars;

import dev.onering.ticks.Tick;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds one-minute bars from trades. The batch path and the streaming path both call this, on a
 * day's trades and on one window's trades, so their bars agree to the last bit: trades are put in
 * (symbol, event time, seq) order before anything is summed, whatever order they arrived in.
 */
public final class MinuteBars {
  private MinuteBars() {}

  public static final Comparator<Tick> TIME_ORDER =
      Comparator.comparing(Tick::symbol).thenComparingLong(Tick::eventTimeMicros).thenComparingLong(Tick::seq);

  /** Bars for every (symbol, minute) with a trade, in (symbol, minute) order. Does not modify its input. */
  public static List<MinuteBar> of(List<Tick> trades) {
    List<Tick> sorted = new ArrayList<>(trades);
    sorted.sort(TIME_ORDER);
    List<MinuteBar> bars = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      Tick first = sorted.get(i);
      long minute = MinuteBar.minuteOf(first.eventTimeMicros());
      double high = first.price();
      double low = first.price();
      double volume = 0;
      double notional = 0;
      long count = 0;
      Tick last = first;
      int j = i;
      while (j < sorted.size()) {
        Tick t = sorted.get(j);
        if (!t.symbol().equals(first.symbol()) || MinuteBar.minuteOf(t.eventTimeMicros()) != minute) {
          break;
        }
        high = Math.max(high, t.price());
        low = Math.min(low, t.price());
        volume += t.size();
        notional += t.price() * t.size();
        count++;
        last = t;
        j++;
      }
      bars.add(new MinuteBar(first.symbol(), minute, first.price(), high, low, last.price(), volume, notional, count));
      i = j;
    }
    return bars;
  }
}
