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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stream/batch parity on a Flink MiniCluster: the simulator's lines with all their defects, through
 * the job, against the batch path's cleaner and bars over the same lines. At parallelism 2 (the
 * stack's cluster) the trades are shuffled by symbol; at 1 (the demo's and the benchmark's) the
 * keyed work is chained to the source's subtask, and must give the same results.
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

  static Run run(StreamSettings settings, int parallelism) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
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

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void withLatenessCoveringEveryDelayTheStreamsBarsEqualTheBatchBarsBitForBit(int parallelism) throws Exception {
    // The simulator delays late trades by up to 600 s: wait that long and nothing is late.
    Run run = run(StreamSettings.defaults().withLateness(Duration.ofSeconds(30), Duration.ofMinutes(10)), parallelism);

    assertThat(run.late()).isEmpty();
    assertThat(run.closedBars()).hasSize(feed.batchBars().size()).isEqualTo(sorted(feed.batchBars()));
    assertThat(run.quarantine()).containsExactlyInAnyOrderElementsOf(feed.batchQuarantine());
  }

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void withTheDefaultLatenessLateTradesAreKeptAsideAndEveryOtherTradeIsInItsBar(int parallelism) throws Exception {
    Run run = run(StreamSettings.defaults(), parallelism);

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
