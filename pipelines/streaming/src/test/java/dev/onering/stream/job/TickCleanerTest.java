package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.bars.MinuteBar;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Spikes and duplicates, per symbol, in the batch path's order. */
class TickCleanerTest {
  static final long T0 = MinuteBarBuilderTest.T0;
  static final StreamSettings SETTINGS = StreamSettings.defaults(); // warm-up 5

  static KeyedOneInputStreamOperatorTestHarness<String, Arrival, Arrival> harness() throws Exception {
    var h = new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new TickCleaner(SETTINGS)), (Arrival a) -> a.tick().symbol(), Types.STRING);
    h.open();
    return h;
  }

  static void send(KeyedOneInputStreamOperatorTestHarness<String, Arrival, Arrival> h, Arrival... arrivals)
      throws Exception {
    for (Arrival a : arrivals) {
      h.processElement(new StreamRecord<>(a, a.timestampMillis()));
    }
  }

  static Arrival trade(long seq, double price) {
    return MinuteBarBuilderTest.trade(seq, T0 + seq * 1_000_000L, price, 1);
  }

  static List<String> quarantined(KeyedOneInputStreamOperatorTestHarness<String, Arrival, Arrival> h) {
    return h.getSideOutput(StreamOutputs.QUARANTINE) == null ? List.of()
        : h.getSideOutput(StreamOutputs.QUARANTINE).stream()
            .map(r -> r.getValue().reason() + ":" + r.getValue().origin()).toList();
  }

  @Test
  void spikesAreJudgedAgainstTheWarmUpMedianThenTheRecentMedianAndDuplicatesKeepTheFirstArrival()
      throws Exception {
    try (var h = harness()) {
      send(h, trade(1, 100), trade(2, 1001.0), trade(3, 101), trade(4, 99));
      assertThat(h.extractOutputValues()).as("held until the warm-up is full").isEmpty();
      Arrival dupOfThree = MinuteBarBuilderTest.trade(3, T0 + 3_000_000L, 150, 1);
      send(h, dupOfThree); // the fifth: releases the warm-up, median of 100,1001,101,99,150 = 101
      assertThat(h.extractOutputValues()).extracting(a -> a.tick().seq()).containsExactly(1L, 3L, 4L);
      assertThat(quarantined(h)).containsExactly("price_spike:test@2", "duplicate:test@3");

      send(h, trade(5, 10.2), trade(6, 102), trade(6, 103));
      assertThat(h.extractOutputValues()).extracting(a -> a.tick().seq()).containsExactly(1L, 3L, 4L, 6L);
      assertThat(quarantined(h)).containsExactly(
          "price_spike:test@2", "duplicate:test@3", "price_spike:test@5", "duplicate:test@6");
      // The duplicate kept is the first arrival, whatever the later one says.
      assertThat(h.extractOutputValues().get(3).tick().price()).isEqualTo(102);
    }
  }

  @Test
  void aSymbolWithFewerTradesThanTheWarmUpIsReleasedByTheWatermark() throws Exception {
    try (var h = harness()) {
      send(h, trade(1, 100), trade(2, 100.5));
      h.processWatermark(new Watermark(trade(1, 100).timestampMillis() + SETTINGS.outOfOrderness().toMillis()));
      assertThat(h.extractOutputValues()).extracting(a -> a.tick().seq()).containsExactly(1L, 2L);
    }
  }

  @Test
  void duplicateKeysAreForgottenOnceTheirMinuteIsClosedAndTheRetentionIsOver() throws Exception {
    try (var h = harness()) {
      for (long seq = 1; seq <= 6; seq++) {
        send(h, trade(seq, 100));
      }
      long minute = MinuteBar.minuteOf(T0) / 1000;
      long forget = minute + 60_000 + SETTINGS.allowedLateness().toMillis() + SETTINGS.dedupRetention().toMillis();
      h.processWatermark(new Watermark(forget - 1));
      send(h, trade(1, 100));
      assertThat(quarantined(h)).as("still remembered").containsExactly("duplicate:test@1");

      h.processWatermark(new Watermark(forget));
      send(h, trade(2, 100));
      // Forgotten: it passes on, and the minute builder sends it to the late output.
      assertThat(quarantined(h)).containsExactly("duplicate:test@1");
      assertThat(h.extractOutputValues()).extracting(a -> a.tick().seq())
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 2L);
    }
  }
}
