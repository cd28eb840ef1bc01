package dev.onering.stream.pulsar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.stream.StreamEnv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
    EmbeddedPulsar pulsar = EmbeddedPulsar.start(EmbeddedPulsar.Settings.defaults(dir, StreamEnv.system()));
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
  void aBrokerNotReadyInTimeIsStoppedAndTheErrorShowsItsLog() {
    Path dir = Path.of("target", "pulsar-tests", "timeout-" + System.nanoTime()).toAbsolutePath();
    EmbeddedPulsar.Settings settings = EmbeddedPulsar.Settings.defaults(dir, StreamEnv.system()).withStartTimeout(Duration.ofSeconds(1));
    assertThatThrownBy(() -> EmbeddedPulsar.start(settings))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not ready after 1 s")
        .hasMessageContaining(dir.resolve("broker.log").toString())
        .hasMessageContaining(EmbeddedPulsar.START_TIMEOUT_ENV);
    assertThat(brokersIn(dir)).isEmpty();
    PulsarBrokerExtension.deleteTree(dir.resolve("data"));
  }

  @Test
  void aStartStopsTheBrokerALostJvmLeftInTheSameWorkDirectory(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("work").toAbsolutePath();
    Files.createDirectories(dir);
    // Stands in for a broker whose JVM was killed outright: a process carrying the work-directory
    // marker, named by the PID file. (The trailing "true" stops bash from exec'ing sleep.)
    Process orphan = new ProcessBuilder("bash", "-c", "sleep 300; true", "-Donering.pulsar.workdir=" + dir).start();
    Files.writeString(dir.resolve("broker.pid"), Long.toString(orphan.pid()));
    Process unrelated = new ProcessBuilder("bash", "-c", "sleep 300; true").start();
    try {
      EmbeddedPulsar.Settings settings = EmbeddedPulsar.Settings.defaults(dir, StreamEnv.system()).withLib(tmp.resolve("no-lib"));
      assertThatThrownBy(() -> EmbeddedPulsar.start(settings)).hasMessageContaining("make build");
      assertThat(orphan.waitFor(30, TimeUnit.SECONDS)).as("the orphan was stopped").isTrue();
      assertThat(dir.resolve("broker.pid")).doesNotExist();

      // A PID file naming a process without the marker (a PID reused since) leaves it alone.
      Files.writeString(dir.resolve("broker.pid"), Long.toString(unrelated.pid()));
      assertThatThrownBy(() -> EmbeddedPulsar.start(settings)).hasMessageContaining("make build");
      assertThat(unrelated.isAlive()).isTrue();
    } finally {
      orphan.destroyForcibly();
      unrelated.destroyForcibly();
    }
  }

  private static List<ProcessHandle> brokersIn(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().arguments().map(a -> String.join(" ", a)).orElse("")
            .contains("-Donering.pulsar.workdir=" + dir))
        .filter(ProcessHandle::isAlive)
        .toList();
  }

  @Test
  void itsSettingsComeFromTheEnvironmentHandedIn(@TempDir Path tmp) {
    Path work = tmp.resolve("work");
    EmbeddedPulsar.Settings set = EmbeddedPulsar.Settings.defaults(work, StreamEnv.of(Map.of(
        EmbeddedPulsar.MEMORY_ENV, "-Xmx256m", EmbeddedPulsar.START_TIMEOUT_ENV, " 30 ",
        EmbeddedPulsar.LIB_ENV, "/opt/broker-lib", StreamEnv.HOME, "/ignored")));
    assertThat(set.memory()).isEqualTo("-Xmx256m");
    assertThat(set.startTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(set.lib()).as("the variable wins over ONERING_HOME").isEqualTo(Path.of("/opt/broker-lib"));

    EmbeddedPulsar.Settings home = EmbeddedPulsar.Settings.defaults(work, StreamEnv.of(Map.of(StreamEnv.HOME, "/repo")));
    assertThat(home.memory()).isEqualTo(EmbeddedPulsar.MEMORY_DEFAULT);
    assertThat(home.startTimeout()).isEqualTo(EmbeddedPulsar.START_TIMEOUT_DEFAULT);
    assertThat(home.lib()).isEqualTo(Path.of("/repo").resolve(EmbeddedPulsar.LIB_DEFAULT));

    assertThatThrownBy(() -> EmbeddedPulsar.Settings.defaults(work,
            StreamEnv.of(Map.of(EmbeddedPulsar.START_TIMEOUT_ENV, "2min"))))
        .hasMessageContaining(EmbeddedPulsar.START_TIMEOUT_ENV).hasMessageContaining("'2min'");
  }

  @Test
  void aMissingBrokerClasspathSaysHowToBuildIt(@TempDir Path tmp) {
    EmbeddedPulsar.Settings settings = EmbeddedPulsar.Settings.defaults(tmp.resolve("work"), StreamEnv.system()).withLib(tmp.resolve("nothing"));
    assertThatThrownBy(() -> EmbeddedPulsar.start(settings))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(tmp.resolve("nothing").toString())
        .hasMessageContaining("make build")
        .hasMessageContaining(EmbeddedPulsar.LIB_ENV);
  }
}
