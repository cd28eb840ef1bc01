package dev.onering.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The benchmark's arithmetic; the phases themselves need a broker and run in `make bench`. */
class StreamBenchTest {
  private static final long S = 1_000_000L;

  @AfterEach
  void clear() {
    StreamBench.JobCounters.reset();
  }

  @Test
  void aMinutesDelayRunsFromTheSendThatLetsTheWatermarkPassItsEnd() {
    long minuteEnd = 60 * S;
    // Event times in send order; one line has none (malformed) and one is out of order.
    long[] eventTimes = {10 * S, 59 * S, Long.MIN_VALUE, 80 * S, 70 * S, 91 * S, 95 * S};
    long[] sentAt = {1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000};
    StreamBench.Day day = new StreamBench.Day(List.of("a", "b", "c", "d", "e", "f", "g"), eventTimes);
    // With a 30 s bound the watermark passes 60 s once event time reaches 90 s: the sixth line.
    StreamBench.JobCounters.FIRST_FIRINGS.add(new long[] {minuteEnd, 6_000 + 250_000});
    StreamBench.Latency l = StreamBench.latency(day, sentAt, Duration.ofSeconds(30), 1_000);
    assertThat(l.minutes()).isEqualTo(1);
    assertThat(l.p50()).isEqualTo(250.0);
    assertThat(l.p99()).isEqualTo(250.0);
  }

  @Test
  void aMinuteWhoseReleaseWasNeverSentIsNotCounted() {
    StreamBench.Day day = new StreamBench.Day(List.of("a"), new long[] {10 * S});
    StreamBench.JobCounters.FIRST_FIRINGS.add(new long[] {60 * S, 99});
    assertThat(StreamBench.latency(day, new long[] {1}, Duration.ofSeconds(30), 1).minutes()).isZero();
  }

  @Test
  void aMinuteOfAnEarlierDayIsCountedApartNotAsADelay() {
    // The paced day starts at 100 s; the minute ending at 60 s is the previous day's, closed by the
    // paced day's first ticks: it has no release in this day and is not one of its delays.
    StreamBench.Day day = new StreamBench.Day(List.of("a", "b", "c"), new long[] {100 * S, 130 * S, 200 * S});
    StreamBench.JobCounters.FIRST_FIRINGS.add(new long[] {60 * S, 5_000});
    StreamBench.JobCounters.FIRST_FIRINGS.add(new long[] {120 * S, 3_000 + 40_000});
    StreamBench.Latency l = StreamBench.latency(day, new long[] {1_000, 2_000, 3_000}, Duration.ofSeconds(30), 1);
    assertThat(l.minutes()).isEqualTo(1);
    assertThat(l.p50()).isEqualTo(40.0);
    assertThat(l.earlierMinutes()).isEqualTo(1);
  }

  @Test
  void atThePacedRateTheJobsOwnCostIsThePacedPhaseLessTheBrokerAloneBothWithoutTheirCompiling() {
    // 1,000 ticks each: the paced job phase spent 50 ms of CPU (10 ms compiling), the broker alone 30 ms (5 ms).
    StreamBench.Throughput pacedJob = new StreamBench.Throughput(1_000, 1, 0.050, 0, 0.010);
    StreamBench.Throughput brokerPaced = new StreamBench.Throughput(1_000, 1, 0.030, 0, 0.005);
    StreamBench.Result r = new StreamBench.Result(null, null, brokerPaced, null, 0, null, pacedJob, 0, 0, 0, Map.of());
    assertThat(r.pacedJobOwnMicrosPerTick()).isCloseTo((50 - 10) - (30 - 5), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void compactLinesGiveBackEveryLineAsItWas() {
    List<String> lines = List.of("{\"symbol\":\"AAPL\"}", "", "not json, é ü", "x".repeat(1_000));
    List<String> compact = StreamBench.CompactLines.of(lines);
    assertThat(compact).hasSize(4).containsExactlyElementsOf(lines);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> compact.get(4))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void aQuietWaitKeepsTheReadingTakenWhenTheLastTradeWasSeenNotAtItsEnd() throws Exception {
    // Closed trades as successive looks see them: two looks of nothing yet, progress, then quiet.
    long[] seen = {100, 100, 150, 180, 180, 180, 180, 180, 180};
    int[] look = {0};
    java.util.function.LongSupplier closed = () -> seen[Math.min(look[0]++, seen.length - 1)];
    // The "reading" is the look it was taken at, so the test can tell which one was kept.
    StreamBench.Quiet<Integer> quiet = StreamBench.awaitQuiet(closed, 100, () -> look[0], () -> { }, Duration.ofMillis(1),
        3, Duration.ofSeconds(10));

    assertThat(quiet.trades()).isEqualTo(180);
    // 180 was first seen at the fourth look; the three still looks after it are not in the reading.
    assertThat(quiet.atLastProgress()).isEqualTo(4);
    assertThat(look[0]).isEqualTo(7);
  }

  @Test
  void aQuietWaitEndsWithTheJobsFailure() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamBench.awaitQuiet(() -> 0, 0, () -> 0,
            () -> {
              throw new IllegalStateException("the streaming job failed before the benchmark was done: boom");
            }, Duration.ofMillis(1), 3, Duration.ofSeconds(10)))
        .hasMessageContaining("boom");
  }

  @Test
  void theJitCountsAsSettledAtTheFirstQuietPeriodNotBefore() throws Exception {
    Duration quiet = Duration.ofMillis(20);
    // Compile time that grows by a full period's worth for three periods, then stops.
    long start = System.nanoTime();
    java.util.function.DoubleSupplier busy = () -> Math.min((System.nanoTime() - start) / 1e9, 3 * 0.020);
    double waited = StreamBench.settle(busy, quiet, Duration.ofSeconds(10));
    assertThat(waited).as("at least the three busy periods and one quiet one").isGreaterThanOrEqualTo(0.080);
    assertThat(waited).as("stops at the first quiet period, long before the deadline").isLessThan(2.0);
  }

  @Test
  void aJitThatNeverSettlesIsWaitedForOnlyUntilTheDeadline() throws Exception {
    long start = System.nanoTime();
    double waited = StreamBench.settle(() -> (System.nanoTime() - start) / 1e9, Duration.ofMillis(20),
        Duration.ofMillis(200));
    assertThat(waited).isGreaterThanOrEqualTo(0.2).isLessThan(2.0);
  }

  @Test
  void percentilesAreNearestRank() {
    double[] hundred = new double[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = i + 1;
    }
    assertThat(StreamBench.percentile(hundred, 0.50)).isEqualTo(50);
    assertThat(StreamBench.percentile(hundred, 0.99)).isEqualTo(99);
    assertThat(StreamBench.percentile(new double[] {7}, 0.99)).isEqualTo(7);
    assertThat(StreamBench.percentile(new double[0], 0.5)).isNaN();
  }

  @Test
  void theFirstPositionAtOrAfterAValueSkipsBackOverEqualOnes() {
    long[] ascending = {1, 3, 3, 3, 8};
    assertThat(StreamBench.firstAtOrAfter(ascending, 3)).isEqualTo(1);
    assertThat(StreamBench.firstAtOrAfter(ascending, 4)).isEqualTo(4);
    assertThat(StreamBench.firstAtOrAfter(ascending, 9)).isEqualTo(5);
    assertThat(StreamBench.firstAtOrAfter(ascending, 0)).isZero();
  }
}
