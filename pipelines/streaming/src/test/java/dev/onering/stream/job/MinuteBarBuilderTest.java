package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.bars.MinuteBar;
import dev.onering.bars.MinuteBars;
import dev.onering.ticks.Tick;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Event-time minutes with lateness, one operator at a time under Flink's test harness. */
class MinuteBarBuilderTest {
  static final long T0 = 1_788_000_000_000_000L; // a minute boundary, in micros
  static final long MIN = MinuteBar.MINUTE_MICROS;
  static final StreamSettings SETTINGS = StreamSettings.defaults(); // 30 s bound, 60 s lateness

  static Arrival trade(long seq, long eventMicros, double price, double size) {
    Tick t = new Tick("AAPL", seq, eventMicros, price, size, Tick.BUY, "XNAS");
    return new Arrival(t, t.toJson(), "test@" + seq, 0, 0, 0, seq);
  }

  static KeyedOneInputStreamOperatorTestHarness<String, Arrival, BarRecord> harness() throws Exception {
    return harness(SETTINGS);
  }

  /** Not yet opened, so a test can restore state into it first. */
  static KeyedOneInputStreamOperatorTestHarness<String, Arrival, BarRecord> harness(StreamSettings settings)
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new MinuteBarBuilder(settings)), a -> a.tick().symbol(), Types.STRING);
  }

  static void send(KeyedOneInputStreamOperatorTestHarness<String, Arrival, BarRecord> h, Arrival a)
      throws Exception {
    h.processElement(new StreamRecord<>(a, a.timestampMillis()));
  }

  static List<BarRecord> bars(KeyedOneInputStreamOperatorTestHarness<String, Arrival, BarRecord> h) {
    List<BarRecord> out = new ArrayList<>(h.extractOutputValues());
    h.getOutput().clear();
    return out;
  }

  static BarRecord expected(List<Arrival> trades, int revision, boolean closed) {
    List<MinuteBar> bars = MinuteBars.of(trades.stream().map(Arrival::tick).toList());
    assertThat(bars).hasSize(1);
    return BarRecord.of(bars.get(0), revision, closed);
  }

  @Test
  void aMinuteFiresAtItsEndThenOnceMoreForEachLateTradeAndClosesAfterTheLateness() throws Exception {
    try (var h = harness()) {
      h.open();
      Arrival a = trade(1, T0 + 5_000_000, 100, 1);
      Arrival b = trade(2, T0 + 30_000_000, 101, 2);
      send(h, b);
      send(h, a); // out of order, on time
      h.processWatermark(new Watermark((T0 + MIN) / 1000 - 2));
      assertThat(bars(h)).isEmpty();

      h.processWatermark(new Watermark((T0 + MIN) / 1000 - 1));
      assertThat(bars(h)).containsExactly(expected(List.of(a, b), 0, false));

      Arrival c = trade(3, T0 + 59_000_000, 99, 3); // late, inside the lateness
      send(h, c);
      assertThat(bars(h)).containsExactly(expected(List.of(a, b, c), 1, false));

      h.processWatermark(new Watermark((T0 + MIN) / 1000 - 1 + SETTINGS.allowedLateness().toMillis()));
      assertThat(bars(h)).containsExactly(expected(List.of(a, b, c), 1, true));

      Arrival d = trade(4, T0 + 10_000_000, 500, 1); // after the close: kept aside, not in the bar
      send(h, d);
      assertThat(bars(h)).isEmpty();
      assertThat(h.getSideOutput(StreamOutputs.LATE)).extracting(StreamRecord::getValue).containsExactly(d);
      assertThat(h.numKeyedStateEntries()).as("a closed minute leaves only its horizon").isEqualTo(1);
    }
  }

  @Test
  void aTradeForAMinuteThatNeverOpenedIsLateOnceTheWatermarkIsPastItsClose() throws Exception {
    try (var h = harness()) {
      h.open();
      h.processWatermark(new Watermark((T0 + 3 * MIN) / 1000));
      Arrival old = trade(1, T0 + 1_000_000, 100, 1);
      send(h, old);
      assertThat(h.getSideOutput(StreamOutputs.LATE)).extracting(StreamRecord::getValue).containsExactly(old);
      assertThat(bars(h)).isEmpty();
    }
  }

  /**
   * The reason the operator is not Flink's window operator: after a restore the watermark starts
   * from nothing, and a trade for a minute closed before the failure must still be late.
   */
  @Test
  void aRestoreRemembersWhichMinutesClosedThoughTheWatermarkStartsOver() throws Exception {
    OperatorSubtaskState snapshot;
    Arrival a = trade(1, T0 + 5_000_000, 100, 1);
    Arrival next = trade(2, T0 + 2 * MIN + 5_000_000, 100.5, 1);
    try (var h = harness()) {
      h.open();
      send(h, a);
      send(h, next);
      h.processWatermark(new Watermark((T0 + MIN) / 1000 - 1 + SETTINGS.allowedLateness().toMillis()));
      assertThat(bars(h)).containsExactly(expected(List.of(a), 0, false), expected(List.of(a), 0, true));
      snapshot = h.snapshot(1, 1);
    }
    try (var restored = harness()) {
      restored.initializeState(snapshot);
      restored.open();
      Arrival tooLate = trade(3, T0 + 7_000_000, 100, 1);
      send(restored, tooLate);
      assertThat(restored.getSideOutput(StreamOutputs.LATE)).extracting(StreamRecord::getValue)
          .containsExactly(tooLate);
      // The open minute survived the restore and still fires when the watermark gets there.
      restored.processWatermark(new Watermark((T0 + 3 * MIN) / 1000 - 1));
      assertThat(bars(restored)).containsExactly(expected(List.of(next), 0, false));
    }
  }

  @Test
  void zeroLatenessFiresAndClosesAtOnce() throws Exception {
    var settings = SETTINGS.withLateness(Duration.ofSeconds(30), Duration.ZERO);
    try (var h = harness(settings)) {
      h.open();
      Arrival a = trade(1, T0 + 5_000_000, 100, 1);
      send(h, a);
      h.processWatermark(new Watermark((T0 + MIN) / 1000 - 1));
      assertThat(bars(h)).containsExactly(expected(List.of(a), 0, false), expected(List.of(a), 0, true));
    }
  }
}
