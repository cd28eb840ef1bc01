package dev.onering.ticks;

import dev.onering.instruments.ReferenceData;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cleans one Bronze batch (one date) in arrival order, in the order docs/cleaning-rules.md gives:
 * record rules first ({@link TickParser}), then price spikes against the day's lower median per
 * symbol, then duplicates on (symbol, seq) keeping the first arrival.
 *
 * <p>It holds one day of accepted records in memory, which is what lets the Silver job clean with
 * no shuffle: Spark hands each task whole days in arrival order.
 */
public final class BatchCleaner {

  /** Where a line came from: the file relative to the lake root and its 1-based line number. */
  public record Source(String file, long line) {}

  /** A line that reached Silver. */
  public record Kept(Tick tick, Source source) {}

  /** A line that went to quarantine, with the line as received. */
  public record Quarantined(Source source, RejectReason reason, String field, String detail, String raw) {}

  /**
   * Receives a batch's results: quarantined lines as they are found, then, at {@link #finish()},
   * the kept trades in (symbol, seq) order and the day's one-minute bars.
   */
  public interface Output {
    void kept(Kept kept);

    void quarantined(Quarantined quarantined);

    default void bar(dev.onering.bars.MinuteBar bar) {}
  }

  private final TickParser parser;
  private final LocalDate batchDate;
  private final List<Pending> pending = new ArrayList<>();
  private final Output out;

  private record Pending(Tick tick, Source source, String raw) {}

  public BatchCleaner(ReferenceData reference, LocalDate batchDate, Output out) {
    this.parser = new TickParser(reference);
    this.batchDate = batchDate;
    this.out = out;
  }

  public LocalDate batchDate() {
    return batchDate;
  }

  /** Takes the next line in arrival order; record-level rejects are emitted at once. */
  public void accept(String raw, Source source) {
    ParsedTick parsed = parser.parse(raw, batchDate);
    if (parsed instanceof ParsedTick.Accepted a) {
      pending.add(new Pending(a.tick(), source, raw));
    } else {
      ParsedTick.Rejected r = (ParsedTick.Rejected) parsed;
      out.quarantined(new Quarantined(source, r.reason(), r.field(), r.detail(), raw));
    }
  }

  /**
   * Records that a file could not be read from {@code source} on: the rest of the file is not in
   * Silver, and the quarantine says so, so the gap is visible and a re-run can fill it.
   */
  public void unreadable(Source source, String error) {
    out.quarantined(new Quarantined(source, RejectReason.UNREADABLE_FILE, null,
        source.file() + " could not be read from line " + source.line() + ": " + error
            + "; the file stays in Bronze, fix it and re-run " + batchDate, null));
  }

  /** Applies the batch rules to what was accepted and emits it; call once, after the last line. */
  public void finish() {
    Map<String, Double> reference = lowerMedians();
    Map<String, Set<Long>> seen = new HashMap<>();
    List<Kept> kept = new ArrayList<>(pending.size());
    for (Pending p : pending) {
      Tick t = p.tick();
      double median = reference.get(t.symbol());
      if (PriceBands.isSpike(t.price(), median)) {
        out.quarantined(
            new Quarantined(p.source(), RejectReason.PRICE_SPIKE, "price",
                "price " + t.price() + " is more than " + PriceBands.FACTOR + "x away from " + t.symbol()
                    + "'s median price " + median + " on " + batchDate,
                p.raw()));
      } else if (!seen.computeIfAbsent(t.symbol(), k -> new HashSet<>()).add(t.seq())) {
        out.quarantined(
            new Quarantined(p.source(), RejectReason.DUPLICATE, "seq",
                "(" + t.symbol() + ", " + t.seq() + ") arrived earlier in this batch", p.raw()));
      } else {
        kept.add(new Kept(t, p.source()));
      }
    }
    pending.clear();
    kept.sort(java.util.Comparator.comparing((Kept k) -> k.tick().symbol()).thenComparingLong(k -> k.tick().seq()));
    List<Tick> trades = new ArrayList<>(kept.size());
    for (Kept k : kept) {
      out.kept(k);
      trades.add(k.tick());
    }
    for (dev.onering.bars.MinuteBar bar : dev.onering.bars.MinuteBars.of(trades)) {
      out.bar(bar);
    }
  }

  private Map<String, Double> lowerMedians() {
    Map<String, double[]> prices = new HashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Pending p : pending) {
      String s = p.tick().symbol();
      int n = counts.merge(s, 1, Integer::sum);
      double[] a = prices.get(s);
      if (a == null || a.length < n) {
        a = a == null ? new double[64] : Arrays.copyOf(a, a.length * 2);
        prices.put(s, a);
      }
      a[n - 1] = p.tick().price();
    }
    Map<String, Double> medians = new HashMap<>();
    prices.forEach(
        (s, a) -> {
          int n = counts.get(s);
          double[] sorted = Arrays.copyOf(a, n);
          Arrays.sort(sorted);
          medians.put(s, sorted[(n - 1) / 2]);
        });
    return medians;
  }
}
