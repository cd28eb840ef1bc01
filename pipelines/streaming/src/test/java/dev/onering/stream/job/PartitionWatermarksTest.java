package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.ticks.Tick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watermark across partitions, driven by hand: trades from partitions at chosen event times,
 * the periodic check at chosen wall-clock instants. The cases are the ones docs/streaming.md tells:
 * a replay into a job that has gone idle, a market that closes, a partition that comes back.
 */
class PartitionWatermarksTest {
  static final long S = 1_000; // event time is in milliseconds here
  static final long MS = 1_000_000; // the clock is in nanoseconds
  static final long BOUND = 30 * S;
  static final long BACKLOG = 100;

  long now;
  /** The message the next trade belongs to; each trade is a message of its own unless a test packs them. */
  long message;
  boolean packing;
  final List<Long> emitted = new ArrayList<>();
  final WatermarkOutput output = new WatermarkOutput() {
    @Override
    public void emitWatermark(Watermark watermark) {
      emitted.add(watermark.getTimestamp());
    }

    @Override
    public void markIdle() {
      throw new AssertionError("the generator never marks the stream idle");
    }

    @Override
    public void markActive() {}
  };
  PartitionWatermarks generator;

  @BeforeEach
  void setUp() {
    now = 0;
    generator = generator(2);
  }

  PartitionWatermarks generator(int partitions) {
    return new PartitionWatermarks(partitions, Duration.ofMillis(BOUND), Duration.ofSeconds(1),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), BACKLOG, () -> now);
  }

  void trade(int partition, long eventMillis) {
    trade(partition, eventMillis, 0);
  }

  /** A trade that waited {@code readLagMillis} between its producer and the job. */
  void trade(int partition, long eventMillis, long readLagMillis) {
    Tick t = new Tick("AAPL", 1, eventMillis * 1_000L, 100, 1, Tick.BUY, "XNAS");
    long received = now / 1_000;
    if (!packing) {
      message++;
    }
    generator.onEvent(new Arrival(t, t.toJson(), "p" + partition, partition, received - readLagMillis * 1_000, received,
        message), eventMillis, output);
  }

  /** The periodic check, after {@code millis} of wall-clock time. */
  void tick(long millis) {
    now += millis * MS;
    generator.onPeriodicEmit(output);
  }

  long watermark() {
    return emitted.isEmpty() ? Long.MIN_VALUE : emitted.get(emitted.size() - 1);
  }

  @Test
  void theWatermarkIsTheSlowestPartitionLessTheBoundAndWaitsForEveryPartitionToShowItsData() {
    trade(0, 100 * S);
    tick(200);
    assertThat(emitted).as("nothing before every partition has shown its data").isEmpty();
    trade(1, 40 * S);
    assertThat(watermark()).isEqualTo(40 * S - BOUND - 1);
    trade(1, 90 * S);
    assertThat(watermark()).isEqualTo(90 * S - BOUND - 1);
    trade(0, 200 * S);
    assertThat(watermark()).as("partition 1 still holds it").isEqualTo(90 * S - BOUND - 1);
  }

  @Test
  void aReplayIntoAJobThatHasGoneIdleLeavesNoPartitionBehind() {
    // Day one ends; partition 1 stops a little before partition 0 and both go quiet for an hour.
    trade(0, 1_000 * S);
    trade(1, 1_000 * S);
    tick(600);
    trade(0, 1_010 * S);
    for (int i = 0; i < 5; i++) {
      tick(200); // partition 0 goes on briefly while partition 1 is quiet: 1 is left out...
      trade(0, (1_011 + i) * S);
    }
    assertThat(watermark()).isEqualTo(1_015 * S - BOUND - 1);
    for (int i = 0; i < 18_000; i++) {
      tick(200); // ...then an hour with no trade anywhere
    }
    // The replay of day two: partition 0 resumes and runs far ahead in event time within
    // milliseconds; partition 1 resumes a few milliseconds later, minutes of event time behind.
    for (int i = 0; i < 50; i++) {
      trade(0, 90_000 * S + i * 10 * S);
    }
    tick(200);
    trade(1, 90_000 * S);
    assertThat(watermark()).as("partition 1 counted again after the pause: its trades are not late")
        .isLessThan(90_000 * S - BOUND);
    trade(1, 90_600 * S);
    trade(0, 91_000 * S);
    assertThat(watermark()).isEqualTo(90_600 * S - BOUND - 1);
  }

  @Test
  void aPartitionQuietWhileTheOthersMoveOnStopsHoldingTheWatermark() {
    trade(0, 100 * S);
    trade(1, 100 * S);
    tick(600);
    assertThat(watermark()).isEqualTo(100 * S - BOUND - 1);
    // The market of partition 1 closes: partition 0 goes on, 1 says nothing.
    long t = 100 * S;
    for (int i = 0; i < 2; i++) {
      t += 10 * S;
      trade(0, t);
      tick(200);
    }
    assertThat(watermark()).as("not yet: 400 ms is within the quiet wait").isEqualTo(100 * S - BOUND - 1);
    for (int i = 0; i < 3; i++) {
      t += 10 * S;
      trade(0, t);
      tick(200);
    }
    assertThat(watermark()).as("partition 1 left out: the watermark follows partition 0").isEqualTo(t - BOUND - 1);

    // It speaks again, behind: back in the minimum at once, so the watermark waits for it.
    trade(1, t - 20 * S);
    trade(0, t + 50 * S);
    tick(200);
    assertThat(watermark()).isEqualTo(t - BOUND - 1);
    trade(1, t + 40 * S);
    assertThat(watermark()).isEqualTo(t + 40 * S - BOUND - 1);
  }

  @Test
  void aPartitionWithoutDataDelaysTheFirstWatermarkOnlyUntilItIsFoundQuiet() {
    generator = generator(3);
    trade(0, 100 * S);
    trade(1, 100 * S);
    long t = 100 * S;
    for (int i = 0; i < 3; i++) {
      tick(200);
      assertThat(emitted).isEmpty();
      t += 2 * S;
      trade(0, t);
      trade(1, t);
    }
    tick(200);
    assertThat(watermark()).as("partition 2 has no data: found quiet, left out").isEqualTo(t - BOUND - 1);
  }

  @Test
  void silenceWhileTheJobIsBehindIsNotQuiet() {
    trade(0, 100 * S);
    trade(1, 100 * S);
    long t = 100 * S;
    // A backlog: partition 0's trades were published seconds before the job reads them, and
    // partition 1's wait behind them. Its silence means nothing.
    for (int i = 0; i < 20; i++) {
      t += 600 * S;
      trade(0, t, 3_000);
      tick(200);
    }
    assertThat(watermark()).as("partition 1 still holds the watermark").isEqualTo(100 * S - BOUND - 1);
    // Caught up: now its silence counts.
    for (int i = 0; i < 5; i++) {
      t += S;
      trade(0, t, 5);
      tick(200);
    }
    assertThat(watermark()).isEqualTo(t - BOUND - 1);
  }

  @Test
  void silenceWhileTheOthersSendMoreThanABacklogHoldsIsQuietEvenWhenBehind() {
    trade(0, 100 * S);
    trade(1, 100 * S);
    long t = 100 * S;
    // Behind, but partition 0 sends more trades than a backlog could hold partition 1's behind.
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 30; j++) {
        t += S;
        trade(0, t, 3_000);
      }
      tick(200);
    }
    assertThat(watermark()).isEqualTo(t - BOUND - 1);
  }

  @Test
  void theBacklogIsCountedInMessagesNotInTheTradesPackedIntoThem() {
    trade(0, 100 * S);
    trade(1, 100 * S);
    long t = 100 * S;
    // Behind, and partition 0 sends the trades of the test above, and more, but packed 50 to a
    // message: far fewer messages than a backlog holds, so partition 1 may still wait behind them.
    packing = true;
    for (int i = 0; i < 7; i++) {
      message++;
      for (int j = 0; j < 50; j++) {
        t += S;
        trade(0, t, 3_000);
      }
      tick(200);
    }
    assertThat(watermark()).as("partition 1 still holds the watermark").isEqualTo(100 * S - BOUND - 1);
    // As many messages as the backlog holds, and more: now its silence counts.
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 30; j++) {
        message++;
        t += S;
        trade(0, t, 3_000);
      }
      tick(200);
    }
    assertThat(watermark()).isEqualTo(t - BOUND - 1);
  }

  @Test
  void aPartitionThatNeverSentATradeIsFoundQuietWhenTheWholeStreamPauses() {
    generator = generator(3);
    for (int i = 0; i < 20; i++) {
      tick(200); // a slow start: no trade anywhere yet, so nobody is quiet
    }
    // A short replay read as a backlog, faster than the quiet wait: partition 2 has no data.
    trade(0, 100 * S, 3_000);
    trade(1, 200 * S, 3_000);
    tick(200);
    assertThat(emitted).isEmpty();
    for (int i = 0; i < 11; i++) {
      tick(200);
    }
    assertThat(watermark()).as("after two seconds without a trade anywhere").isEqualTo(100 * S - BOUND - 1);
  }

  @Test
  void quietWithoutTheOthersMovingEventTimeOnIsNotIdle() {
    trade(0, 100 * S);
    trade(1, 100 * S);
    tick(600);
    // Partition 0 keeps sending trades at the same event time (a slow replay): 1 stays counted.
    for (int i = 0; i < 10; i++) {
      trade(0, 100 * S + 100);
      tick(200);
    }
    assertThat(watermark()).isEqualTo(100 * S - BOUND - 1);
  }

  @Test
  void aSinglePartitionAloneAlwaysHoldsTheWatermark() {
    generator = generator(1);
    trade(0, 100 * S);
    assertThat(watermark()).as("its first trade shows every partition's data").isEqualTo(100 * S - BOUND - 1);
    tick(600);
    for (int i = 0; i < 100; i++) {
      tick(200);
    }
    assertThat(watermark()).isEqualTo(100 * S - BOUND - 1);
    trade(0, 99 * S);
    trade(0, 100 * S + 500);
    assertThat(emitted).as("it moves by whole steps of event time and never back").hasSize(1);
    trade(0, 101 * S);
    assertThat(watermark()).isEqualTo(101 * S - BOUND - 1);
  }
}
