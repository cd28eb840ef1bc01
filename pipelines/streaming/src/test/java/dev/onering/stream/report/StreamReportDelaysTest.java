package dev.onering.stream.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.stream.pulsar.PublishTimeline;
import dev.onering.stream.report.DelayDistribution.Bin;
import dev.onering.stream.report.DelayDistribution.Matched;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamReportDelaysTest {

  private static final long MIN = 60_000_000L;

  @Test
  void aFirstBarIsMatchedToWhenItsMinuteEndWasCrossed() {
    long t = 1_785_715_200_000_000L; // a minute boundary, microseconds
    List<PublishTimeline.Boundary> boundaries = List.of(
        new PublishTimeline.Boundary(t, 5_000_000L), new PublishTimeline.Boundary(t + MIN, 9_000_000L));
    List<long[]> firings = List.of(
        new long[] {t, 7_500_000L},          // 2.5 s after the publisher crossed t
        new long[] {t + MIN, 9_000_400L},    // 0.4 ms
        new long[] {t + 2 * MIN, 20_000_000L}); // no tick past its end was published
    Matched m = DelayDistribution.match(firings, boundaries);
    assertThat(m.delaysMs()).containsExactly(2_500.0, 0.4);
    assertThat(m.unmatched()).isEqualTo(1);
  }

  @Test
  void binWidthIsOneTwoOrFiveTimesAPowerOfTen() {
    assertThat(DelayDistribution.binWidth(890, 30)).isEqualTo(50);   // 29.7 per bin -> 50
    assertThat(DelayDistribution.binWidth(3_000, 30)).isEqualTo(100); // exactly 100
    assertThat(DelayDistribution.binWidth(31, 30)).isEqualTo(2);      // 1.03 -> 2
    assertThat(DelayDistribution.binWidth(12_000, 30)).isEqualTo(500); // 400 -> 500
    assertThat(DelayDistribution.binWidth(30, 30)).isEqualTo(1);      // never below 1 ms
    assertThat(DelayDistribution.binWidth(0, 30)).isEqualTo(1);
  }

  @Test
  void histogramPercentilesAndCumulativeShare() {
    List<Double> delays = List.of(990.0, 150.0, 480.0, 100.0, 510.0, 220.0);
    DelayDistribution d = DelayDistribution.of(new Matched(delays, 3));

    assertThat(d.count()).isEqualTo(6);
    assertThat(d.unmatched()).isEqualTo(3);
    assertThat(d.minMs()).isEqualTo(100.0);
    assertThat(d.maxMs()).isEqualTo(990.0);
    // Sorted: 100 150 220 480 510 990; the value at floor(p * 6).
    assertThat(d.p50Ms()).isEqualTo(480.0);
    assertThat(d.p90Ms()).isEqualTo(990.0);
    assertThat(d.p99Ms()).isEqualTo(990.0);

    // Span 890 over about 30 bins: 50 ms bins from 100 to 1000.
    assertThat(d.binMs()).isEqualTo(50.0);
    assertThat(d.bins()).hasSize(18);
    assertThat(d.bins().get(0).fromMs()).isEqualTo(100.0);
    assertThat(d.bins().get(17).toMs()).isEqualTo(1_000.0);
    long running = 0;
    for (Bin b : d.bins()) {
      long inBin = delays.stream().filter(v -> v >= b.fromMs() && v < b.toMs()).count();
      running += inBin;
      assertThat(b.count()).as("bin from %s", b.fromMs()).isEqualTo(inBin);
      assertThat(b.cumulativeShare()).isEqualTo(running / 6.0);
      assertThat(b.toMs() - b.fromMs()).isEqualTo(50.0);
    }
    assertThat(d.bins().stream().mapToLong(Bin::count).sum()).isEqualTo(6);
    assertThat(d.bins().get(17).cumulativeShare()).isEqualTo(1.0);
  }

  @Test
  void binsStartOnAMultipleOfTheWidthAndHoldNegativeDelays() {
    List<Double> delays = new ArrayList<>();
    for (int i = 0; i < 61; i++) {
      delays.add(-7.0 + i); // -7 .. 53: span 60, 2 ms bins
    }
    DelayDistribution d = DelayDistribution.of(new Matched(delays, 0));
    assertThat(d.binMs()).isEqualTo(2.0);
    assertThat(d.bins().get(0).fromMs()).isEqualTo(-8.0);
    assertThat(d.bins().get(0).count()).isEqualTo(1); // only -7 in [-8, -6)
    assertThat(d.bins().get(d.bins().size() - 1).toMs()).isEqualTo(54.0);
    assertThat(d.bins().stream().mapToLong(Bin::count).sum()).isEqualTo(61);
  }

  @Test
  void oneValueIsOneBin() {
    DelayDistribution d = DelayDistribution.of(new Matched(List.of(420.0, 420.0), 0));
    assertThat(d.bins()).containsExactly(new Bin(420.0, 421.0, 2, 1.0));
    assertThat(d.p50Ms()).isEqualTo(420.0);
  }

  @Test
  void noDelaysGivesNoFigures() {
    DelayDistribution d = DelayDistribution.of(new Matched(List.of(), 5));
    assertThat(d.count()).isZero();
    assertThat(d.unmatched()).isEqualTo(5);
    assertThat(d.p50Ms()).isNull();
    assertThat(d.bins()).isEmpty();
  }
}
