package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.bars.MinuteBar;
import dev.onering.bars.MinuteBars;
import dev.onering.simulator.SimulationConfig;
import dev.onering.ticks.Tick;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stream/batch parity on a Flink MiniCluster (parallelism 2): the simulator's lines with all their
 * defects, through the job, against the batch path's cleaner and bars over the same lines.
 */
class StreamBatchParityTest {
  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static SimulatedFeed feed;

  @BeforeAll
  static void simulate() throws Exception {
    // A crypto and an equity day pair, defects at the default rates times 5 so every kind occurs.
    feed = SimulatedFeed.of(SimulationConfig.defaults()
        .withSize(6, 2, 3_000)
        .withStartDate(LocalDate.of(2026, 9, 3))
        .withDefectRates(SimulationConfig.defaultRates(5)));
  }

  record Run(List<MinuteBar> closedBars, List<Tick> late, List<String> quarantine, List<AlertRecord> alerts) {}

  static Run run(StreamSettings settings) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.getConfig().disableGenericTypes(); // every record type has a real serializer, no Kryo
    var messages = feed.source(env);
    TickPipeline.Streams out = TickPipeline.build(messages, 1, settings, AlertRules.defaults());
    try (CloseableIterator<BarRecord> bars = out.closedBars().collectAsync();
        CloseableIterator<Arrival> late = out.late().collectAsync();
        CloseableIterator<QuarantinedRecord> quarantine = out.quarantine().collectAsync();
        CloseableIterator<AlertRecord> alerts = out.alerts().collectAsync()) {
      env.execute("parity");
      List<MinuteBar> b = new ArrayList<>();
      bars.forEachRemaining(r -> b.add(r.toMinuteBar()));
      List<Tick> l = new ArrayList<>();
      late.forEachRemaining(a -> l.add(a.tick()));
      List<String> q = new ArrayList<>();
      quarantine.forEachRemaining(r -> q.add(r.reason() + " " + r.raw()));
      List<AlertRecord> a = new ArrayList<>();
      alerts.forEachRemaining(a::add);
      return new Run(sorted(b), l, q, a);
    }
  }

  static List<MinuteBar> sorted(List<MinuteBar> bars) {
    return bars.stream().sorted(Comparator.comparing(MinuteBar::symbol)
        .thenComparingLong(MinuteBar::barStartMicros)).toList();
  }

  @Test
  void withLatenessCoveringEveryDelayTheStreamsBarsEqualTheBatchBarsBitForBit() throws Exception {
    // The simulator delays late trades by up to 600 s: wait that long and nothing is late.
    Run run = run(StreamSettings.defaults().withLateness(Duration.ofSeconds(30), Duration.ofMinutes(10)));

    assertThat(run.late()).isEmpty();
    assertThat(run.closedBars()).hasSize(feed.batchBars().size()).isEqualTo(sorted(feed.batchBars()));
    assertThat(run.quarantine()).containsExactlyInAnyOrderElementsOf(feed.batchQuarantine());
  }

  @Test
  void withTheDefaultLatenessLateTradesAreKeptAsideAndEveryOtherTradeIsInItsBar() throws Exception {
    Run run = run(StreamSettings.defaults());

    assertThat(run.late()).as("the simulator's late defects arrive 3-10 minutes late").isNotEmpty();
    Set<String> late = new HashSet<>();
    run.late().forEach(t -> late.add(t.symbol() + "#" + t.seq()));
    assertThat(late).hasSize(run.late().size());
    List<Tick> onTime = feed.batchKept().stream().filter(t -> !late.contains(t.symbol() + "#" + t.seq())).toList();
    assertThat(onTime).hasSize(feed.batchKept().size() - late.size()); // every late trade is a kept trade
    assertThat(run.closedBars()).isEqualTo(sorted(MinuteBars.of(onTime)));
    assertThat(run.quarantine()).containsExactlyInAnyOrderElementsOf(feed.batchQuarantine());
  }
}
