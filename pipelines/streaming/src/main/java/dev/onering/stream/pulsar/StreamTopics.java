package dev.onering.stream.pulsar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.common.policies.data.RetentionPolicies;
import org.apache.pulsar.common.policies.data.TenantInfo;
import org.apache.pulsar.common.schema.SchemaInfo;

/**
 * The streaming path's topics, declared once: the publisher, the Flink job, the CLI and the tests
 * take their names from here. docs/streaming.md lists them.
 *
 * <p>Every topic is partitioned: on a non-partitioned topic the Flink connector's bounded source
 * read nothing in half the runs (DESIGN.md section 5). Ticks are keyed by symbol, so a symbol's
 * ticks stay in one partition in arrival order.
 */
public final class StreamTopics {
  private StreamTopics() {}

  public static final String TENANT = "onering";
  public static final String NAMESPACE = TENANT + "/market";

  /** Raw Bronze lines as published, key = symbol. */
  public static final String TICKS = topic("ticks");
  /** One-minute OHLCV bars the job closes. */
  public static final String BARS_1M = topic("bars-1m");
  /** CEP alerts. */
  public static final String ALERTS = topic("alerts");
  /** Ticks that arrived after their window closed (behind the watermark). */
  public static final String TICKS_LATE = topic("ticks-late");
  /** Lines the cleaning rules rejected, with the reason. */
  public static final String TICKS_QUARANTINE = topic("ticks-quarantine");

  public static final int TICKS_PARTITIONS_DEFAULT = 4;
  /** The job's outputs are a small fraction of the input; two partitions let two readers share them. */
  public static final int OUTPUT_PARTITIONS = 2;

  /**
   * Messages are kept this long (or up to this size) even when no subscription holds them, so a job
   * started after the publisher still reads every tick from the earliest position.
   */
  public static final int RETENTION_MINUTES = 24 * 60;
  public static final int RETENTION_MB = 2048;

  /** A topic and the partitions it is created with. */
  public record Topic(String name, int partitions, String holds) {}

  public static String topic(String localName) {
    return "persistent://" + NAMESPACE + "/" + localName;
  }

  /** Every topic with the partitions {@link #ensure(PulsarAdmin, int)} creates. */
  public static List<Topic> all(int tickPartitions) {
    return List.of(
        new Topic(TICKS, tickPartitions, "Bronze tick lines as received, key = symbol (raw bytes)"),
        new Topic(BARS_1M, OUTPUT_PARTITIONS, "1-minute OHLCV bars (JSON)"),
        new Topic(ALERTS, OUTPUT_PARTITIONS, "CEP alerts (JSON)"),
        new Topic(TICKS_LATE, OUTPUT_PARTITIONS, "ticks behind the watermark"),
        new Topic(TICKS_QUARANTINE, OUTPUT_PARTITIONS, "rejected lines with their reason"));
  }

  /** What {@link #ensure} found or made: each topic with its partition count, and what it created. */
  public record Ensured(Map<String, Integer> partitions, List<String> created) {}

  /** {@link #ensure(PulsarAdmin, int)} with {@value #TICKS_PARTITIONS_DEFAULT} tick partitions. */
  public static Ensured ensure(PulsarAdmin admin) throws PulsarAdminException {
    return ensure(admin, TICKS_PARTITIONS_DEFAULT);
  }

  /**
   * Creates what is missing of the tenant, the namespace and the topics, sets the namespace's
   * retention, and registers the ticks schema. Idempotent: a second call creates nothing and
   * changes nothing. An existing topic keeps its partition count; a non-partitioned topic under
   * one of these names is an error, since the Flink source cannot read it reliably.
   */
  public static Ensured ensure(PulsarAdmin admin, int tickPartitions) throws PulsarAdminException {
    if (tickPartitions < 1) {
      throw new IllegalArgumentException("tick partitions must be at least 1, got " + tickPartitions);
    }
    List<String> created = new ArrayList<>();
    if (!admin.tenants().getTenants().contains(TENANT)) {
      Set<String> clusters = Set.copyOf(admin.clusters().getClusters());
      try {
        admin.tenants().createTenant(TENANT, TenantInfo.builder().allowedClusters(clusters).build());
        created.add("tenant " + TENANT);
      } catch (PulsarAdminException.ConflictException raced) {
        // Someone else created it between our look and our create: the outcome we wanted.
      }
    }
    if (!admin.namespaces().getNamespaces(TENANT).contains(NAMESPACE)) {
      try {
        admin.namespaces().createNamespace(NAMESPACE);
        created.add("namespace " + NAMESPACE);
      } catch (PulsarAdminException.ConflictException raced) {
        // As above.
      }
    }
    RetentionPolicies retention = new RetentionPolicies(RETENTION_MINUTES, RETENTION_MB);
    if (!retention.equals(admin.namespaces().getRetention(NAMESPACE))) {
      admin.namespaces().setRetention(NAMESPACE, retention);
    }
    // Producers may send without a schema, and that is what the tick publisher does: Bronze lines
    // go out as raw bytes, malformed ones included, because the job must see them to quarantine
    // them. With enforcement on, a schema-less producer would be refused. This is the broker's
    // default; it is set here so the stack's broker cannot differ.
    if (admin.namespaces().getSchemaValidationEnforced(NAMESPACE)) {
      admin.namespaces().setSchemaValidationEnforced(NAMESPACE, false);
    }

    List<String> partitioned = admin.topics().getPartitionedTopicList(NAMESPACE);
    List<String> plain = admin.topics().getList(NAMESPACE);
    Map<String, Integer> partitions = new TreeMap<>();
    for (Topic t : all(tickPartitions)) {
      if (!partitioned.contains(t.name())) {
        if (plain.contains(t.name())) {
          throw new IllegalStateException(t.name() + " exists as a non-partitioned topic; the Flink source reads "
              + "those unreliably. Delete it (pulsar-admin topics delete " + t.name() + ") and run this again.");
        }
        try {
          admin.topics().createPartitionedTopic(t.name(), t.partitions());
          created.add("topic " + t.name() + " (" + t.partitions() + " partitions)");
        } catch (PulsarAdminException.ConflictException raced) {
          // As above.
        }
      }
      partitions.put(t.name(), admin.topics().getPartitionedTopicMetadata(t.name()).partitions);
    }
    if (registerSchema(admin, TICKS, TickPayload.class)) {
      created.add("schema of " + TICKS);
    }
    return new Ensured(partitions, created);
  }

  /**
   * Registers the JSON schema of a POJO on a topic (for the bars and alerts topics: the job's
   * record classes). Registering the same schema again is a no-op.
   *
   * @return whether a new schema version was created
   */
  public static boolean registerSchema(PulsarAdmin admin, String topic, Class<?> pojo) throws PulsarAdminException {
    SchemaInfo wanted = Schema.JSON(pojo).getSchemaInfo();
    try {
      SchemaInfo current = admin.schemas().getSchemaInfo(topic);
      if (current != null && current.getType() == wanted.getType()
          && java.util.Arrays.equals(current.getSchema(), wanted.getSchema())) {
        return false;
      }
    } catch (PulsarAdminException.NotFoundException none) {
      // No schema yet.
    }
    admin.schemas().createSchema(topic, wanted);
    return true;
  }

  /** The topics of {@link #NAMESPACE} as they are: name to partition count (0 = not partitioned). */
  public static Map<String, Integer> describe(PulsarAdmin admin) throws PulsarAdminException {
    Map<String, Integer> out = new TreeMap<>();
    for (String t : admin.topics().getPartitionedTopicList(NAMESPACE)) {
      out.put(t, admin.topics().getPartitionedTopicMetadata(t).partitions);
    }
    Set<String> partitionNames = admin.topics().getList(NAMESPACE).stream()
        .filter(t -> t.contains("-partition-")).collect(Collectors.toSet());
    for (String t : admin.topics().getList(NAMESPACE)) {
      if (!partitionNames.contains(t) && !out.containsKey(t)) {
        out.put(t, 0);
      }
    }
    return out;
  }
}
