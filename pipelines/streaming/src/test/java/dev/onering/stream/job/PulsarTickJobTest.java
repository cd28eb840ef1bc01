package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.bars.MinuteBar;
import dev.onering.pipeline.Json;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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

    List<String> alertsInClickHouse;
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
      alertsInClickHouse = store.rows("SELECT symbol, pattern, toUnixTimestamp64Micro(first_bar_start) AS us"
              + " FROM silver.alerts FINAL").stream()
          .map(r -> r.get("symbol") + " " + r.get("pattern") + " " + ((Number) r.get("us")).longValue())
          .sorted().toList();
    }

    // The four output topics, written by one sink. The bars topic carries every revision, each keyed
    // by its symbol, one symbol on one partition; the closed ones are exactly the batch bars.
    List<Message<BarRecord>> bars = readAll(Schema.JSON(BarRecord.class), StreamTopics.BARS_1M);
    assertThat(bars).filteredOn(m -> m.getValue().closed).hasSize(feed.batchBars().size());
    Map<String, Set<String>> partitionsOfSymbol = new HashMap<>();
    for (Message<BarRecord> m : bars) {
      assertThat(m.getKey()).isEqualTo(m.getValue().symbol);
      partitionsOfSymbol.computeIfAbsent(m.getKey(), k -> new HashSet<>()).add(m.getTopicName());
    }
    assertThat(partitionsOfSymbol).hasSize(4).allSatisfy((symbol, partitions) -> assertThat(partitions).hasSize(1));
    // The alerts topic holds what silver.alerts holds.
    assertThat(alertsInClickHouse).isNotEmpty();
    assertThat(readAll(Schema.JSON(AlertRecord.class), StreamTopics.ALERTS).stream()
            .map(m -> m.getValue().symbol + " " + m.getValue().pattern + " " + m.getValue().firstBarStart).sorted())
        .containsExactlyElementsOf(alertsInClickHouse);
    // The quarantine topic holds every line the batch path's cleaner rejects, with its reason.
    List<String> quarantined = new ArrayList<>();
    for (Message<String> m : readAll(Schema.STRING, StreamTopics.TICKS_QUARANTINE)) {
      JsonNode q = Json.MAPPER.readTree(m.getValue());
      quarantined.add(q.get("reason").asText() + " " + q.get("raw").asText());
    }
    assertThat(quarantined).containsExactlyInAnyOrderElementsOf(feed.batchQuarantine());
    // The lateness covers the simulator's longest delay: no trade is late.
    assertThat(readAll(Schema.STRING, StreamTopics.TICKS_LATE)).isEmpty();
  }

  /** Every message on the topic (all its partitions), from the earliest. */
  private static <T> List<Message<T>> readAll(Schema<T> schema, String topic) throws Exception {
    List<Message<T>> all = new ArrayList<>();
    try (Consumer<T> consumer = PULSAR.client().newConsumer(schema).topic(topic).subscriptionName("test-reader")
        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe()) {
      Message<T> m;
      // The bounded job has ended and its sink flushed: what is there is all there will be.
      while ((m = consumer.receive(3, TimeUnit.SECONDS)) != null) {
        all.add(m);
      }
    }
    return all;
  }
}
