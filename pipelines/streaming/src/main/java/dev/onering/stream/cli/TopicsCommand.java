package dev.onering.stream.cli;

import dev.onering.pipeline.Json;
import dev.onering.stream.pulsar.StreamTopics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.admin.PulsarAdminException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "topics", mixinStandardHelpOptions = true,
    description = {
      "Create the streaming topics where missing and list them.",
      "",
      "Creates tenant onering, namespace onering/market and its partitioned topics where missing, registers the ticks",
      "schema, and prints the namespace's topics with their partitions as JSON. Running it again changes nothing."
    })
final class TopicsCommand implements Callable<Integer> {
  @Mixin PulsarOptions pulsar;

  @Option(names = "--tick-partitions", description = "Partitions of a new ticks topic (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + StreamTopics.TICKS_PARTITIONS_DEFAULT)
  int tickPartitions;

  @Override
  public Integer call() throws Exception {
    try (PulsarAdmin admin = pulsar.admin()) {
      StreamTopics.Ensured ensured = ensure(admin, tickPartitions, pulsar);
      ensured.created().forEach(c -> StreamProgress.info("topics", "created " + c));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("admin_url", pulsar.adminUrl());
      out.put("namespace", StreamTopics.NAMESPACE);
      out.put("created", ensured.created());
      out.put("topics", StreamTopics.describe(admin));
      System.out.println(Json.MAPPER.writeValueAsString(out));
    }
    return 0;
  }

  /** Ensures the topics, turning "nobody answers" into what to do about it. */
  static StreamTopics.Ensured ensure(PulsarAdmin admin, int tickPartitions, PulsarOptions pulsar) throws PulsarAdminException {
    try {
      return StreamTopics.ensure(admin, tickPartitions);
    } catch (PulsarAdminException e) {
      if (e.getStatusCode() <= 0 || e.getStatusCode() >= 500) {
        throw new IllegalStateException("cannot set up the topics through " + pulsar.adminUrl() + " (" + e.getMessage()
            + "); " + pulsar.unreachable(), e);
      }
      throw e;
    }
  }
}
