package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.ReferenceData;
import dev.onering.stream.pulsar.PulsarBrokerExtension;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.sink.ForEachSink;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.ticks.Tick;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * Lines packed into messages, through a real broker and the job's Pulsar source: every line is
 * judged on its own, a bad line is quarantined as it was sent and named by its message and its line
 * number in it, and the other lines of its message become bars as if they had come alone.
 */
class PackedMessagesTest {
  // A broker of its own: the job reads the ticks topic from the earliest message.
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.perClass();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final ConcurrentLinkedQueue<QuarantinedRecord> QUARANTINED = new ConcurrentLinkedQueue<>();
  static final ConcurrentLinkedQueue<BarRecord> CLOSED = new ConcurrentLinkedQueue<>();

  // Static methods, not bound method references: a bound one would travel with the job graph and
  // fill a copy of the queue.
  static void quarantined(QuarantinedRecord q) {
    QUARANTINED.add(q);
  }

  static void closed(BarRecord b) {
    CLOSED.add(b);
  }

  static final long T0 = 1_788_430_200_000_000L; // 2026-09-03 10:10:00 UTC, a minute boundary
  static final long MINUTE = 60_000_000L;

  @Test
  void aBadLineInAPackedMessageIsQuarantinedByMessageAndLineAndTheOtherLinesAreKept(@TempDir Path lake)
      throws Exception {
    // One symbol per partition of the four (String.hashCode, sign bit cleared, modulo 4: AAPL 0,
    // NVDA 1, XOM 2, JPM 3): a bounded read of an empty partition never ends.
    String[] symbols = {"AAPL", "NVDA", "XOM", "JPM"};
    String bad = "{\"symbol\":\"AAPL\",\"seq\":999,\"event_time\":" + (T0 + MINUTE + 1) + ",\"price\":null,"
        + "\"size\":1.0,\"side\":\"buy\",\"exchange\":\"XNAS\"}";
    List<String> lines = new ArrayList<>();
    Map<String, Integer> tradesPerBar = new TreeMap<>();
    long seq = 0;
    for (int minute = 0; minute < 3; minute++) {
      for (int i = 0; i < 10; i++) {
        for (String symbol : symbols) {
          long eventTime = T0 + minute * MINUTE + i * 5_000_000L;
          String exchange = ReferenceData.standard().find(symbol).orElseThrow().exchange();
          lines.add(new Tick(symbol, ++seq, eventTime, 100 + i * 0.01, 1 + i, Tick.BUY, exchange).toJson());
          tradesPerBar.merge(symbol + "@" + minute, 1, Integer::sum);
        }
      }
      if (minute == 1) {
        lines.add(bad);
      }
    }
    StreamTopics.ensure(PULSAR.admin());
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(), TickPublisher.Settings.defaults())) {
      lines.forEach(l -> {
        try {
          publisher.send(l);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(publisher.finish().ticks()).isEqualTo(lines.size());
      assertThat(publisher.acknowledgedMessages()).as("packed").isLessThan(lines.size() / 2);
    }

    // Where the bad line is, read from the topic with a plain consumer and String.split.
    String expectedOrigin = null;
    int linesInItsMessage = 0;
    int partitions = PULSAR.admin().topics().getPartitionedTopicMetadata(StreamTopics.TICKS).partitions;
    for (int p = 0; p < partitions && expectedOrigin == null; p++) {
      String partition = StreamTopics.TICKS + "-partition-" + p;
      try (Consumer<byte[]> consumer = PULSAR.client().newConsumer(Schema.BYTES).topic(partition)
          .subscriptionName("find-the-bad-line").subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
          .subscribe()) {
        Message<byte[]> m;
        while ((m = consumer.receive(2, TimeUnit.SECONDS)) != null) {
          String[] inIt = new String(m.getValue(), StandardCharsets.UTF_8).split("\n", -1);
          for (int i = 0; i < inIt.length; i++) {
            if (inIt[i].equals(bad)) {
              expectedOrigin = partition + "@" + m.getMessageId() + "#" + (i + 1);
              linesInItsMessage = inIt.length;
            }
          }
        }
      }
    }
    assertThat(expectedOrigin).as("the bad line is on the topic").isNotNull();
    String origin = expectedOrigin;
    assertThat(linesInItsMessage).as("packed with other lines").isGreaterThan(1);

    QUARANTINED.clear();
    CLOSED.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    StreamSettings settings = StreamSettings.defaults().withLateness(Duration.ofSeconds(30), Duration.ofMinutes(10));
    TickPipeline.Streams streams = PulsarTickJob.define(env, new PulsarTickJob.Config(PULSAR.serviceUrl(),
        PULSAR.adminUrl(), "packed-test", true, false, Duration.ofMillis(500), settings, AlertRules.defaults(),
        new LakeAndClickHouseSinks.Targets(lake.toString(), null, 100, null), 0));
    streams.quarantine().sinkTo(new ForEachSink<>(PackedMessagesTest::quarantined)).name("test-quarantine");
    streams.closedBars().sinkTo(new ForEachSink<>(PackedMessagesTest::closed)).name("test-closed");
    env.execute("packed messages");

    assertThat(QUARANTINED).singleElement().satisfies(q -> {
      assertThat(q.origin()).isEqualTo(origin);
      assertThat(q.reason()).isEqualTo("null_price");
      assertThat(q.field()).isEqualTo("price");
      assertThat(q.raw()).as("the line as sent, not the message").isEqualTo(bad);
    });
    Map<String, Integer> closed = new TreeMap<>();
    for (BarRecord b : CLOSED) {
      closed.put(b.symbol + "@" + (b.barStart - T0) / MINUTE, (int) b.tradeCount);
    }
    assertThat(closed).as("every good line, the bad one's neighbours included, in its bar").isEqualTo(tradesPerBar);
  }
}
