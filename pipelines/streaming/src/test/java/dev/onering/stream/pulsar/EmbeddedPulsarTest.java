package dev.onering.stream.pulsar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;
import org.apache.pulsar.client.api.transaction.Transaction;
import org.apache.pulsar.common.naming.TopicVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker's lifecycle, on a broker of this test's own (not the shared one): it must end. */
class EmbeddedPulsarTest {

  @Test
  void startsAnswersCommitsATransactionAndLeavesNoProcessAfterClose() throws Exception {
    Path dir = Path.of("target", "pulsar-tests", "lifecycle-" + System.nanoTime());
    EmbeddedPulsar pulsar = EmbeddedPulsar.start(dir);
    long pid = pulsar.pid();
    try {
      System.out.printf("EmbeddedPulsar: ready in %d ms, %d MB resident%n",
          pulsar.startDuration().toMillis(), pulsar.residentBytes() / (1024 * 1024));
      assertThat(ProcessHandle.of(pid)).get().matches(ProcessHandle::isAlive);
      assertThat(pulsar.serviceUrl()).startsWith("pulsar://127.0.0.1:");
      assertThat(pulsar.logFile()).exists();
      try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.adminUrl()).build()) {
        assertThat(admin.clusters().getClusters()).containsExactly("standalone");
        admin.brokers().healthcheck(TopicVersion.V2);
        admin.topics().createPartitionedTopic("persistent://public/default/txn", 2);
      }
      assertTransactionalWritesAreHiddenUntilCommit(pulsar);
    } finally {
      pulsar.close();
    }
    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    pulsar.close(); // again: a no-op
    assertThat(pulsar.isAlive()).isFalse();
    PulsarBrokerExtension.deleteTree(dir.resolve("data"));
  }

  /** What the Flink sink's exactly-once mode relies on. */
  private static void assertTransactionalWritesAreHiddenUntilCommit(EmbeddedPulsar pulsar) throws Exception {
    String topic = "persistent://public/default/txn";
    try (PulsarClient client = PulsarClient.builder().serviceUrl(pulsar.serviceUrl()).enableTransaction(true).build();
        Consumer<byte[]> consumer = client.newConsumer(Schema.BYTES).topic(topic).subscriptionName("check")
            .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest).subscribe();
        Producer<byte[]> producer = client.newProducer(Schema.BYTES).topic(topic)
            .sendTimeout(0, TimeUnit.SECONDS).create()) {
      Transaction txn = client.newTransaction().withTransactionTimeout(1, TimeUnit.MINUTES).build().get();
      producer.newMessage(txn).value("in a transaction".getBytes(StandardCharsets.UTF_8)).send();
      assertThat(consumer.receive(1, TimeUnit.SECONDS)).as("visible before commit").isNull();
      txn.commit().get();
      Message<byte[]> m = consumer.receive(30, TimeUnit.SECONDS);
      assertThat(m).as("visible after commit").isNotNull();
      assertThat(new String(m.getValue(), StandardCharsets.UTF_8)).isEqualTo("in a transaction");
    }
  }

  @Test
  void aMissingBrokerClasspathSaysHowToBuildIt(@TempDir Path tmp) {
    EmbeddedPulsar.Settings settings = EmbeddedPulsar.Settings.defaults(tmp.resolve("work")).withLib(tmp.resolve("nothing"));
    assertThatThrownBy(() -> EmbeddedPulsar.start(settings))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(tmp.resolve("nothing").toString())
        .hasMessageContaining("make build")
        .hasMessageContaining(EmbeddedPulsar.LIB_ENV);
  }
}
