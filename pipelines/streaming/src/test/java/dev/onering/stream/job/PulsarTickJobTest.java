package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.bars.MinuteBar;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.pulsar.PulsarBrokerExtension;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.pulsar.TickSources;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.stream.sink.SilverStoreTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector path end to end: the simulator's lines published to a real broker (its own JVM),
 * the job on a MiniCluster with parallelism 2 reading the partitioned topic, and what lands in
 * ClickHouse and on the bars topic, against the batch path over the same lines.
 */
class PulsarTickJobTest {
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.shared();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @Test
  void ticksFromPulsarBecomeTheBatchPathsBarsInClickHouseAndOnTheBarsTopic(
      @TempDir Path lake, @TempDir Path chdb) throws Exception {
    SimulationConfig config = SimulationConfig.defaults().withSize(4, 1, 2_000)
        .withStartDate(LocalDate.of(2026, 9, 3)).withDefectRates(SimulationConfig.defaultRates(5));
    SimulatedFeed feed = SimulatedFeed.of(config);
    StreamTopics.ensure(PULSAR.admin());
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(), TickPublisher.Settings.defaults())) {
      assertThat(publisher.publish(TickSources.simulator(config)).ticks()).isEqualTo(feed.messages().size());
    }

    try (SilverStore store = SilverStoreTarget.chdb(chdb).openEmbedded()) {
      store.migrate(ChangelogApplier.locateDefaultChangelog());
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.setParallelism(2);
      // Lateness that covers the simulator's longest delay: every bar is then the batch path's bar.
      StreamSettings settings = StreamSettings.defaults().withLateness(Duration.ofSeconds(30), Duration.ofMinutes(10));
      PulsarTickJob.define(env, new PulsarTickJob.Config(PULSAR.serviceUrl(), PULSAR.adminUrl(),
          "parity-test", true, true, Duration.ofMillis(500), settings, AlertRules.defaults(),
          new LakeAndClickHouseSinks.Targets(lake.toString(), SilverStoreTarget.chdb(chdb), 100, null), 0));
      env.execute("pulsar parity");

      List<MinuteBar> inClickHouse = SimulatedFeed.barsIn(store);
      assertThat(inClickHouse).isEqualTo(StreamBatchParityTest.sorted(feed.batchBars()));
    }

    // The bars topic carries every revision; the closed ones are exactly the batch bars.
    try (Consumer<BarRecord> consumer = PULSAR.client().newConsumer(Schema.JSON(BarRecord.class))
        .topic(StreamTopics.BARS_1M).subscriptionName("test-reader")
        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
      long closed = 0;
      Message<BarRecord> m;
      while ((m = consumer.receive(5, java.util.concurrent.TimeUnit.SECONDS)) != null) {
        closed += m.getValue().closed ? 1 : 0;
      }
      assertThat(closed).isEqualTo(feed.batchBars().size());
    }
  }
}
