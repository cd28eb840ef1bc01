package dev.onering.stream.job;

import dev.onering.instruments.ReferenceData;
import dev.onering.stream.pulsar.PackedLines;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.ticks.TickParser;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.pulsar.source.PulsarSource;
import org.apache.flink.connector.pulsar.source.PulsarSourceOptions;
import org.apache.flink.connector.pulsar.source.enumerator.cursor.StartCursor;
import org.apache.flink.connector.pulsar.source.enumerator.cursor.StopCursor;
import org.apache.flink.connector.pulsar.source.reader.deserializer.PulsarDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * The streaming job as it runs against Pulsar: ticks topic in, {@link TickPipeline}, then the lake
 * and ClickHouse ({@link LakeAndClickHouseSinks}) and the output topics. The same graph runs on an
 * embedded MiniCluster and on the stack's session cluster; only the endpoints differ.
 */
public final class PulsarTickJob {
  private PulsarTickJob() {}

  /**
   * @param bounded stop at the last message present when the job starts (tests, replays); a live
   *     job runs until cancelled or stopped with a savepoint
   * @param publishTopics also publish bars, alerts, late and quarantined records to their topics
   * @param tickPartitions the ticks topic's partitions, or 0 to ask the broker when the job is built
   */
  public record Config(String serviceUrl, String adminUrl, String subscription, boolean bounded,
      boolean publishTopics, Duration checkpointInterval, StreamSettings settings, AlertRules rules,
      LakeAndClickHouseSinks.Targets targets, int tickPartitions) implements Serializable {

    public Config withTickPartitions(int partitions) {
      return new Config(serviceUrl, adminUrl, subscription, bounded, publishTopics, checkpointInterval, settings,
          rules, targets, partitions);
    }
  }

  /**
   * How often state is checkpointed and the lake's files committed. ClickHouse does not wait for it
   * (its sink flushes on a timer), so it costs no latency there; each checkpoint copies the open
   * minutes' trades, so on two cores a second's interval took a sixth of the job's time.
   */
  public static final Duration CHECKPOINT_INTERVAL_DEFAULT = Duration.ofSeconds(10);

  /** How long a split's reader may hold messages to fill a batch; far below the quiet wait. */
  static final Duration MAX_FETCH_TIME = Duration.ofMillis(20);
  /**
   * Messages a split's reader hands on at a time. One: a message packs up to 100 lines, what a
   * fetch of 100 one-line messages held before packing. The watermarks count on each partition
   * getting its turn within a few fetches of the others ({@link TickPipeline#BACKLOG_MESSAGES}), so
   * a fetch of many packed messages would let a partition with data be passed over for far more
   * trades (100 messages of 100 lines: 10,000), and so a quiet one hold the watermark that much
   * longer while the job is behind.
   */
  public static final int MAX_FETCH_RECORDS = 1;

  public static TickPipeline.Streams define(StreamExecutionEnvironment env, Config config) {
    StreamEnvironment.configure(env, config.checkpointInterval());
    var source = PulsarSource.builder()
        .setServiceUrl(config.serviceUrl())
        .setAdminUrl(config.adminUrl())
        .setTopics(StreamTopics.TICKS)
        .setSubscriptionName(config.subscription())
        .setStartCursor(StartCursor.earliest())
        // A split's reader hands on what it has after this long, not after the connector's default
        // 10 s: a partition's last messages must not wait behind a half-full batch while the other
        // partitions move the watermark on (they would arrive late), nor hold a bar back.
        .setConfig(PulsarSourceOptions.PULSAR_MAX_FETCH_TIME, MAX_FETCH_TIME.toMillis())
        .setConfig(PulsarSourceOptions.PULSAR_MAX_FETCH_RECORDS, MAX_FETCH_RECORDS)
        .setDeserializationSchema(new ReceivedDeserializer());
    if (config.bounded()) {
      source.setBoundedStopCursor(StopCursor.latest());
    }
    // One subtask reads every partition, so one watermark generator sees them all and can judge a
    // quiet partition against the others (PartitionWatermarks); the keyed work runs in parallel.
    DataStream<Received> messages = env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "pulsar-ticks")
        .setParallelism(1).uid("pulsar-ticks");
    int partitions = config.tickPartitions() > 0 ? config.tickPartitions() : tickPartitions(config.adminUrl());
    TickPipeline.Streams streams = TickPipeline.build(messages, partitions, config.settings(), config.rules());
    LakeAndClickHouseSinks.attach(streams, config.targets());
    if (config.publishTopics()) {
      PulsarOutputs.attach(streams, config.serviceUrl(), config.adminUrl());
    }
    return streams;
  }

  /** How many partitions the ticks topic has, from the broker's admin API. */
  static int tickPartitions(String adminUrl) {
    try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(adminUrl).build()) {
      return Math.max(1, admin.topics().getPartitionedTopicMetadata(StreamTopics.TICKS).partitions);
    } catch (PulsarClientException | PulsarAdminException e) {
      throw new IllegalStateException("cannot read how many partitions " + StreamTopics.TICKS + " has from " + adminUrl
          + " (" + e.getMessage() + "); is the broker up, and were the topics made ('onering stream topics')?", e);
    }
  }

  /**
   * Raw bytes in, so a malformed line reaches quarantine as it was sent; the record rules run here,
   * in the source, because the watermarks come from the event time inside the line.
   *
   * <p>A message holds one or more lines ({@link PackedLines}); each becomes a {@link Received}
   * named by the message and its line number. They are collected in one call, in order, and the
   * connector records the message as read only after it (its {@code PulsarRecordEmitter} calls
   * {@code deserialize}, then the split's {@code setLatestConsumedId}, in the task's one thread,
   * between checkpoint barriers): a checkpoint holds all of a message's lines or none, and a
   * restart from it reads the message again whole or not at all.
   */
  static final class ReceivedDeserializer implements PulsarDeserializationSchema<Received> {
    private static final String PARTITION_SUFFIX = "-partition-";
    private transient TickParser parser;
    private transient long messages;

    @Override
    public void deserialize(Message<byte[]> message, Collector<Received> out) {
      if (parser == null) {
        parser = new TickParser(ReferenceData.standard());
      }
      String topic = message.getTopicName();
      String origin = topic + "@" + message.getMessageId() + "#";
      int partition = partitionOf(topic);
      long publishedAt = message.getPublishTime() * 1_000L;
      long receivedAt = System.currentTimeMillis() * 1_000L;
      long seq = ++messages;
      PackedLines.forEachLine(message.getValue(), (line, number) ->
          out.collect(Received.parse(parser, line, origin + number, partition, publishedAt, receivedAt, seq)));
    }

    /** The index in {@code ...-partition-N}; 0 for a topic without partitions. */
    static int partitionOf(String topic) {
      int at = topic.lastIndexOf(PARTITION_SUFFIX);
      if (at < 0) {
        return 0;
      }
      try {
        return Integer.parseInt(topic, at + PARTITION_SUFFIX.length(), topic.length(), 10);
      } catch (NumberFormatException e) {
        return 0;
      }
    }

    @Override
    public TypeInformation<Received> getProducedType() {
      return TypeInformation.of(Received.class);
    }
  }
}
