package dev.onering.stream.job;

import dev.onering.stream.pulsar.StreamTopics;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema.InitializationContext;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.pulsar.sink.PulsarSink;
import org.apache.flink.connector.pulsar.sink.config.SinkConfiguration;
import org.apache.flink.connector.pulsar.sink.writer.context.PulsarSinkContext;
import org.apache.flink.connector.pulsar.sink.writer.message.PulsarMessage;
import org.apache.flink.connector.pulsar.sink.writer.message.PulsarMessageBuilder;
import org.apache.flink.connector.pulsar.sink.writer.router.TopicRouter;
import org.apache.flink.connector.pulsar.sink.writer.serializer.PulsarSerializationSchema;
import org.apache.flink.connector.pulsar.source.enumerator.topic.TopicNameUtils;
import org.apache.flink.connector.pulsar.source.enumerator.topic.TopicPartition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.pulsar.client.api.Schema;

/**
 * The job's four output topics (bars, alerts, late trades, quarantine) written by one Pulsar sink.
 * Each sink writer has a Pulsar client of its own, and each client a timer thread that wakes every
 * millisecond whether or not anything is due: with a sink per topic, four of them (measured: about
 * 1.5% of a core each, busy or idle), for outputs that are a bar or less per symbol and minute.
 *
 * <p>Each record names its topic; the topic decides the schema, the one {@link StreamTopics}
 * registers (bars and alerts: JSON of {@link BarRecord} and {@link AlertRecord}; late trades and
 * quarantine: strings, one JSON line each). Bars, alerts and late trades are keyed by symbol, so
 * one symbol's messages keep their order on one partition.
 *
 * <p>At least once: a bar is keyed by (symbol, minute) and carries its revision, so a consumer that
 * keeps the highest revision per key reads the same bars after a restart. Exactly-once results are
 * in ClickHouse and the lake.
 */
public final class PulsarOutputs {
  private PulsarOutputs() {}

  /** The sink's uid and name. */
  static final String UID = "pulsar-outputs";

  /**
   * One record for one output topic: exactly one of {@link #bar}, {@link #alert} and {@link #line}
   * is set. A POJO, so Flink's own serializer carries it to the sink's task.
   */
  public static final class Outgoing {
    public String topic;
    /** The partition key, or null for none (round robin). */
    public String key;
    public BarRecord bar;
    public AlertRecord alert;
    public String line;

    public Outgoing() {}

    private static Outgoing to(String topic, String key) {
      Outgoing o = new Outgoing();
      o.topic = topic;
      o.key = key;
      return o;
    }

    static Outgoing bar(BarRecord bar) {
      Outgoing o = to(StreamTopics.BARS_1M, bar.symbol);
      o.bar = bar;
      return o;
    }

    static Outgoing alert(AlertRecord alert) {
      Outgoing o = to(StreamTopics.ALERTS, alert.symbol);
      o.alert = alert;
      return o;
    }

    static Outgoing late(Arrival late) {
      Outgoing o = to(StreamTopics.TICKS_LATE, late.tick().symbol());
      o.line = late.toLateJson();
      return o;
    }

    static Outgoing quarantined(QuarantinedRecord rejected) {
      Outgoing o = to(StreamTopics.TICKS_QUARANTINE, null);
      o.line = rejected.toJson();
      return o;
    }
  }

  /** Publishes the streams to their topics through one sink (parallelism 1). */
  static void attach(TickPipeline.Streams streams, String serviceUrl, String adminUrl) {
    DataStream<Outgoing> outgoing = streams.bars().map(Outgoing::bar).name("bars-out")
        .union(streams.alerts().map(Outgoing::alert).name("alerts-out"),
            streams.late().map(Outgoing::late).name("late-out"),
            streams.quarantine().map(Outgoing::quarantined).name("quarantine-out"));
    outgoing.sinkTo(sink(serviceUrl, adminUrl)).setParallelism(1).name(UID).uid(UID);
  }

  static PulsarSink<Outgoing> sink(String serviceUrl, String adminUrl) {
    return PulsarSink.builder()
        .setServiceUrl(serviceUrl)
        .setAdminUrl(adminUrl)
        .setTopics(StreamTopics.BARS_1M, StreamTopics.ALERTS, StreamTopics.TICKS_LATE, StreamTopics.TICKS_QUARANTINE)
        .setSerializationSchema(new TopicSchemas())
        .setTopicRouter(new ByTopic())
        // No enableSchemaEvolution(): that is for a sink of one Pulsar schema; each message here
        // carries its own, and the writer makes a producer per topic and schema.
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .build();
  }

  /** Each record as its topic's schema writes it. */
  static final class TopicSchemas implements PulsarSerializationSchema<Outgoing> {
    // Pulsar's schemas are not serializable: made where the writer runs.
    private transient Schema<BarRecord> bars;
    private transient Schema<AlertRecord> alerts;

    @Override
    public void open(InitializationContext initializationContext, PulsarSinkContext sinkContext,
        SinkConfiguration sinkConfiguration) {
      bars = Schema.JSON(BarRecord.class);
      alerts = Schema.JSON(AlertRecord.class);
    }

    @Override
    public PulsarMessage<?> serialize(Outgoing o, PulsarSinkContext context) {
      PulsarMessageBuilder<?> message;
      if (o.bar != null) {
        message = PulsarMessage.builder(bars, o.bar);
      } else if (o.alert != null) {
        message = PulsarMessage.builder(alerts, o.alert);
      } else {
        message = PulsarMessage.builder(Schema.STRING, o.line);
      }
      if (o.key != null) {
        message.key(o.key);
      }
      return message.build();
    }
  }

  /** The record's own topic; among its partitions, the key's hash, or turns for a record without one. */
  static final class ByTopic implements TopicRouter<Outgoing> {
    private transient long turns;

    @Override
    public TopicPartition route(Outgoing o, String key, List<TopicPartition> partitions, PulsarSinkContext context) {
      String topic = TopicNameUtils.topicName(o.topic);
      int count = 0;
      for (TopicPartition p : partitions) {
        if (p.getTopic().equals(topic)) {
          count++;
        }
      }
      if (count == 0) {
        throw new IllegalStateException("the sink knows no partition of " + o.topic + " (it knows " + partitions
            + "); were the topics made ('onering stream topics')?");
      }
      // By partition id, not by place in the list: a key keeps its partition whatever order the list is in.
      int pick = Math.floorMod(key != null ? key.hashCode() : (int) turns++, count);
      for (TopicPartition p : partitions) {
        if (p.getTopic().equals(topic) && (!p.isPartition() || p.getPartitionId() == pick)) {
          return p;
        }
      }
      throw new IllegalStateException("partition " + pick + " of " + o.topic + " is not among " + partitions);
    }
  }
}
