package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.bars.MinuteBar;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each CEP pattern on hand-made closed bars: what must match, and the near misses that must not. */
class AlertPatternsTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final long T0 = MinuteBarBuilderTest.T0;
  static final long MIN = MinuteBar.MINUTE_MICROS;

  static BarRecord bar(String symbol, int minute, double open, double close, double volume) {
    return BarRecord.of(new MinuteBar(symbol, T0 + minute * MIN, open, Math.max(open, close),
        Math.min(open, close), close, volume, volume * close, 3), 0, true);
  }

  /** Flat bars for minutes 0..9 with the given ones swapped in. */
  static List<BarRecord> series(String symbol, BarRecord... special) {
    List<BarRecord> bars = new ArrayList<>();
    for (int m = 0; m < 10; m++) {
      bars.add(bar(symbol, m, 100, 100, 10));
    }
    for (BarRecord b : special) {
      bars.set((int) ((b.barStart - T0) / MIN), b);
    }
    return bars;
  }

  static List<String> alerts(List<BarRecord> bars) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    var stream = env.fromData(bars, TypeInformation.of(BarRecord.class)).setParallelism(1)
        .assignTimestampsAndWatermarks(WatermarkStrategy.<BarRecord>forMonotonousTimestamps()
            .withTimestampAssigner((b, ts) -> b.endMillis()));
    List<String> out = new ArrayList<>();
    try (var it = AlertPatterns.detect(stream.keyBy(b -> b.symbol), AlertRules.defaults()).collectAsync()) {
      env.execute("cep");
      it.forEachRemaining(a -> out.add(a.pattern + " " + a.symbol + " "
          + (a.firstBarStart - T0) / MIN + "-" + (a.lastBarStart - T0) / MIN + " " + a.bars));
    }
    return out;
  }

  @Test
  void aSpikeTakenBackWithinFiveMinutesIsASpikeReversal() throws Exception {
    List<BarRecord> bars = new ArrayList<>();
    // +0.6 %, then -0.4 % two minutes later: at least half given back.
    bars.addAll(series("AAA", bar("AAA", 2, 100, 100.6, 10), bar("AAA", 4, 100.6, 100.2, 10)));
    // Down-spike, up-reversal: the mirror image.
    bars.addAll(series("BBB", bar("BBB", 1, 100, 99.5, 10), bar("BBB", 3, 99.5, 99.8, 10)));
    // Taken back, but after six minutes.
    bars.addAll(series("CCC", bar("CCC", 1, 100, 100.6, 10), bar("CCC", 8, 100.6, 100.0, 10)));
    // A reversal too small (under half of the move), and a spike too small (under 0.4 %).
    bars.addAll(series("DDD", bar("DDD", 1, 100, 100.6, 10), bar("DDD", 2, 100.6, 100.4, 10),
        bar("DDD", 5, 100, 100.3, 10), bar("DDD", 6, 100.3, 100, 10)));
    // Same direction twice is momentum, not a reversal.
    bars.addAll(series("EEE", bar("EEE", 1, 100, 100.6, 10), bar("EEE", 2, 100.6, 101.2, 10)));

    assertThat(alerts(bars)).filteredOn(a -> a.startsWith(AlertPatterns.SPIKE_REVERSAL))
        .containsExactlyInAnyOrder("spike_reversal AAA 2-4 3", "spike_reversal BBB 1-3 3");
  }

  @Test
  void consecutiveMinutesClosingHigherOnMoreVolumeAreAMomentumRun() throws Exception {
    List<BarRecord> bars = new ArrayList<>();
    bars.addAll(series("RUN", bar("RUN", 3, 100, 100.1, 11), bar("RUN", 4, 100.1, 100.2, 12),
        bar("RUN", 5, 100.2, 100.3, 13)));
    // Volume falls in the third rising minute.
    bars.addAll(series("FADE", bar("FADE", 3, 100, 100.1, 11), bar("FADE", 4, 100.1, 100.2, 12),
        bar("FADE", 5, 100.2, 100.3, 11.5)));
    // A minute with no trade breaks the run.
    List<BarRecord> gap = new ArrayList<>(series("GAP", bar("GAP", 3, 100, 100.1, 11),
        bar("GAP", 5, 100.1, 100.2, 12), bar("GAP", 6, 100.2, 100.3, 13)));
    gap.remove(4);
    bars.addAll(gap);

    assertThat(alerts(bars)).filteredOn(a -> a.startsWith(AlertPatterns.MOMENTUM_RUN))
        .containsExactly("momentum_run RUN 2-5 4");
  }
}
