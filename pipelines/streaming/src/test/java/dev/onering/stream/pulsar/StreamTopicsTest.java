package dev.onering.stream.pulsar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.schema.SchemaType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamTopicsTest {
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.shared();

  /** Stands in for the job's bar record. */
  public static final class SampleBar {
    public String symbol;
    public long window_end;
    public double open;
    public double close;
  }

  @Test
  void ensureCreatesEveryTopicPartitionedAndASecondCallChangesNothing() throws Exception {
    PulsarAdmin admin = PULSAR.admin();
    StreamTopics.ensure(admin);
    long schemaVersion = admin.schemas().getVersionBySchema(StreamTopics.TICKS,
        admin.schemas().getSchemaInfo(StreamTopics.TICKS));

    StreamTopics.Ensured again = StreamTopics.ensure(admin);

    assertThat(again.created()).isEmpty();
    assertThat(again.partitions()).isEqualTo(Map.of(
        StreamTopics.TICKS, 4,
        StreamTopics.BARS_1M, 2,
        StreamTopics.ALERTS, 2,
        StreamTopics.TICKS_LATE, 2,
        StreamTopics.TICKS_QUARANTINE, 2));
    for (String t : again.partitions().keySet()) {
      assertThat(admin.topics().getPartitionedTopicMetadata(t).partitions).as(t).isPositive();
    }
    assertThat(StreamTopics.describe(admin)).containsAllEntriesOf(again.partitions());
    assertThat(admin.schemas().getAllSchemas(StreamTopics.TICKS)).hasSize(1);
    assertThat(admin.schemas().getVersionBySchema(StreamTopics.TICKS, admin.schemas().getSchemaInfo(StreamTopics.TICKS)))
        .isEqualTo(schemaVersion);
    assertThat(admin.namespaces().getRetention(StreamTopics.NAMESPACE))
        .isEqualTo(new RetentionPolicies(StreamTopics.RETENTION_MINUTES, StreamTopics.RETENTION_MB));
    assertThat(admin.namespaces().getSchemaValidationEnforced(StreamTopics.NAMESPACE)).isFalse();
  }

  @Test
  void theTicksSchemaIsJsonWithTheBronzeLineFields() throws Exception {
    PulsarAdmin admin = PULSAR.admin();
    StreamTopics.ensure(admin);
    var schema = admin.schemas().getSchemaInfo(StreamTopics.TICKS);
    assertThat(schema.getType()).isEqualTo(SchemaType.JSON);
    String definition = schema.getSchemaDefinition();
    for (String field : new String[] {"symbol", "seq", "event_time", "price", "size", "side", "exchange"}) {
      assertThat(definition).contains("\"name\":\"" + field + "\"");
    }
  }

  @Test
  void aRecordSchemaRegistersOnceOnAnOutputTopic() throws Exception {
    PulsarAdmin admin = PULSAR.admin();
    StreamTopics.ensure(admin);
    String topic = StreamTopics.topic("bars-schema-test");
    admin.topics().createPartitionedTopic(topic, 2);

    assertThat(StreamTopics.registerSchema(admin, topic, SampleBar.class)).isTrue();
    assertThat(StreamTopics.registerSchema(admin, topic, SampleBar.class)).isFalse();

    assertThat(admin.schemas().getAllSchemas(topic)).hasSize(1);
    assertThat(admin.schemas().getSchemaInfo(topic).getSchemaDefinition()).contains("\"window_end\"");
  }
}
