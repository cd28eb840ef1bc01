package dev.onering.gold;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a Gold rebuild changed against the Gold it replaced, row by row on each table's key (symbol
 * and day; symbol): rows added, removed, and kept under the same key with any value different.
 * Values compare exactly, so a re-run on the same Silver must show no change at all.
 */
public record GoldChanges(Table dailyBars, Table instrumentSummary) {

  /** One table's changes; {@code firstChanged} names a changed, added or removed key, if any. */
  public record Table(long added, long removed, long changed, long unchanged, String firstChanged) {
    public boolean none() {
      return added == 0 && removed == 0 && changed == 0;
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("added", added);
      m.put("removed", removed);
      m.put("changed", changed);
      m.put("unchanged", unchanged);
      if (firstChanged != null) {
        m.put("first_changed", firstChanged);
      }
      return m;
    }

    @Override
    public String toString() {
      return added + " added, " + removed + " removed, " + changed + " changed";
    }
  }

  private record DayKey(String symbol, LocalDate day) {
    @Override
    public String toString() {
      return symbol + " " + day;
    }
  }

  public static GoldChanges between(List<GoldDailyRow> beforeDaily, List<InstrumentSummary> beforeSummary,
      List<GoldDailyRow> afterDaily, List<InstrumentSummary> afterSummary) {
    return new GoldChanges(
        table(beforeDaily, afterDaily, r -> new DayKey(r.symbol(), r.tradeDate())),
        table(beforeSummary, afterSummary, InstrumentSummary::symbol));
  }

  private static <R, K> Table table(List<R> before, List<R> after, Function<R, K> key) {
    Map<K, R> old = before.stream().collect(Collectors.toMap(key, Function.identity(), (a, b) -> {
      throw new IllegalArgumentException("two Gold rows with the key " + key.apply(a));
    }, LinkedHashMap::new));
    long added = 0;
    long changed = 0;
    long unchanged = 0;
    String first = null;
    for (R r : after) {
      K k = key.apply(r);
      R was = old.remove(k);
      if (was == null) {
        added++;
      } else if (Objects.equals(was, r)) {
        unchanged++;
        continue;
      } else {
        changed++;
      }
      first = first == null ? k.toString() : first;
    }
    if (first == null && !old.isEmpty()) {
      first = old.keySet().iterator().next().toString();
    }
    return new Table(added, old.size(), changed, unchanged, first);
  }

  public boolean none() {
    return dailyBars.none() && instrumentSummary.none();
  }

  /** One line for the run report's step row. */
  public String headline() {
    return none() ? "Gold unchanged since the previous run"
        : "Gold since the previous run: daily bars " + dailyBars + "; instrument summary " + instrumentSummary;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gold.daily_bars", dailyBars.toMap());
    m.put("gold.instrument_summary", instrumentSummary.toMap());
    return m;
  }
}
