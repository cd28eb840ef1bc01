package dev.onering.stream.report;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.onering.stream.pulsar.PublishTimeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long minutes took to reach ClickHouse: for each minute's first bar, from the publisher
 * sending the first tick at or past the minute's end ({@link PublishTimeline}) to the bar being
 * visible in ClickHouse, wall clock. Summarised as percentiles and a histogram with its cumulative
 * share, which is what the report's delay chart draws.
 *
 * @param count delays measured
 * @param unmatched first bars with no publish instant for their minute's end: the last minutes of the
 *     data, which close only when the job is drained because no later tick was ever sent
 * @param binMs the histogram's bin width: 1, 2 or 5 times a power of ten, about 30 bins over the range
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DelayDistribution(
    long count, long unmatched, Double minMs, Double p50Ms, Double p90Ms, Double p99Ms, Double maxMs, double binMs,
    List<Bin> bins) {

  /** Delays in {@code [fromMs, toMs)}; {@code cumulativeShare} counts this bin and all before it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Bin(double fromMs, double toMs, long count, double cumulativeShare) {}

  /** The delays of the first bars that could be matched, and how many could not. */
  public record Matched(List<Double> delaysMs, long unmatched) {}

  static final int TARGET_BINS = 30;

  /**
   * @param firstFirings (bar end, visible at) per minute's first bar, both epoch microseconds
   * @param boundaries the publisher's timeline
   */
  public static Matched match(Iterable<long[]> firstFirings, List<PublishTimeline.Boundary> boundaries) {
    // One map, not PublishTimeline.sentAt per bar: that rebuilds its map on every call.
    Map<Long, Long> sentAt = new HashMap<>(boundaries.size() * 2);
    boundaries.forEach(b -> sentAt.put(b.eventTime(), b.sentAt()));
    List<Double> delays = new ArrayList<>();
    long unmatched = 0;
    for (long[] f : firstFirings) {
      Long sent = sentAt.get(f[0]);
      if (sent == null) {
        unmatched++;
      } else {
        delays.add((f[1] - sent) / 1e3);
      }
    }
    return new Matched(delays, unmatched);
  }

  public static DelayDistribution of(Matched matched) {
    List<Double> sorted = new ArrayList<>(matched.delaysMs());
    sorted.sort(Double::compare);
    int n = sorted.size();
    if (n == 0) {
      return new DelayDistribution(0, matched.unmatched(), null, null, null, null, null, 0, List.of());
    }
    double min = sorted.get(0);
    double max = sorted.get(n - 1);
    double width = binWidth(max - min, TARGET_BINS);
    double lo = Math.floor(min / width) * width;
    int bins = (int) Math.floor((max - lo) / width) + 1;
    long[] counts = new long[bins];
    for (double d : sorted) {
      counts[Math.min(bins - 1, (int) Math.floor((d - lo) / width))]++;
    }
    List<Bin> out = new ArrayList<>(bins);
    long running = 0;
    for (int i = 0; i < bins; i++) {
      running += counts[i];
      out.add(new Bin(lo + i * width, lo + (i + 1) * width, counts[i], (double) running / n));
    }
    return new DelayDistribution(n, matched.unmatched(), min, percentile(sorted, 0.50), percentile(sorted, 0.90),
        percentile(sorted, 0.99), max, width, out);
  }

  /**
   * The value at index floor(p * n) of the sorted list (the last one for p near 1): the demo's
   * definition since its first version, kept so figures stay comparable.
   */
  public static Double percentile(List<Double> sorted, double p) {
    return sorted.isEmpty() ? null : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  /** The smallest of 1, 2, 5 x 10^k (at least 1 ms) that covers {@code span} in {@code target} bins. */
  static double binWidth(double span, int target) {
    double raw = span / target;
    if (!(raw > 1)) {
      return 1;
    }
    double base = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5}) {
      if (m * base >= raw) {
        return m * base;
      }
    }
    return 10 * base;
  }
}
