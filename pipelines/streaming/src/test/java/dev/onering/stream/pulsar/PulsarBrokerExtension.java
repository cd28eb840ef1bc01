package dev.onering.stream.pulsar;

import dev.onering.stream.StreamEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Pulsar broker ({@link EmbeddedPulsar}) for a test class:
 *
 * <pre>
 * &#64;RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.shared();
 * </pre>
 *
 * {@link #shared()} starts one broker for the whole test JVM, on first use, and stops it when the
 * run ends: a broker takes 10 s or more to start on two busy cores, so classes that only need "a
 * broker" share one. {@link #perClass()} starts one for the class and stops it after its last test,
 * for tests that need a broker nobody else touched. Either way, a client and an admin are ready.
 *
 * <p>Work directories are under {@code target/pulsar-tests/}; the broker's data is deleted after
 * it stops, its {@code broker.log} is kept for a failed run to be read.
 */
public final class PulsarBrokerExtension implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PulsarBrokerExtension.class);

  private final boolean shared;
  private Running running;

  private PulsarBrokerExtension(boolean shared) {
    this.shared = shared;
  }

  /** One broker per test JVM, shared by every class that registers this. */
  public static PulsarBrokerExtension shared() {
    return new PulsarBrokerExtension(true);
  }

  /** A broker of the class's own, stopped after the class. */
  public static PulsarBrokerExtension perClass() {
    return new PulsarBrokerExtension(false);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (shared) {
      running = context.getRoot().getStore(NS)
          .getOrComputeIfAbsent("shared-broker", k -> Running.start("shared"), Running.class);
    } else {
      running = Running.start(context.getRequiredTestClass().getSimpleName());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (!shared && running != null) {
      running.close();
    }
    // A shared broker is closed by the root store when the run ends.
  }

  public EmbeddedPulsar broker() {
    return require().broker;
  }

  public String serviceUrl() {
    return broker().serviceUrl();
  }

  public String adminUrl() {
    return broker().adminUrl();
  }

  /** An admin client on the broker; closed with it. */
  public PulsarAdmin admin() {
    return require().admin;
  }

  /** A client on the broker, with transactions enabled; closed with it. */
  public PulsarClient client() {
    return require().client;
  }

  private Running require() {
    if (running == null) {
      throw new IllegalStateException("the Pulsar broker is not started: register PulsarBrokerExtension as a static "
          + "@RegisterExtension field so it runs before the tests");
    }
    return running;
  }

  /** A started broker with its clients; AutoCloseable so the root store stops a shared one. */
  static final class Running implements AutoCloseable {
    final EmbeddedPulsar broker;
    final PulsarAdmin admin;
    final PulsarClient client;

    private Running(EmbeddedPulsar broker, PulsarAdmin admin, PulsarClient client) {
      this.broker = broker;
      this.admin = admin;
      this.client = client;
    }

    static Running start(String name) {
      Path dir = Path.of("target", "pulsar-tests", name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
      EmbeddedPulsar broker = EmbeddedPulsar.start(EmbeddedPulsar.Settings.defaults(dir, StreamEnv.system()));
      try {
        PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(broker.adminUrl()).build();
        PulsarClient client = PulsarClient.builder().serviceUrl(broker.serviceUrl()).enableTransaction(true).build();
        System.out.printf("Pulsar broker for %s: pid %d, ready in %d ms, %d MB resident%n", name, broker.pid(),
            broker.startDuration().toMillis(), broker.residentBytes() / (1024 * 1024));
        return new Running(broker, admin, client);
      } catch (PulsarClientException e) {
        broker.close();
        throw new IllegalStateException("cannot connect to the test broker " + broker, e);
      }
    }

    @Override
    public void close() {
      try {
        client.close();
      } catch (PulsarClientException e) {
        // The broker goes next anyway.
      }
      admin.close();
      broker.close();
      deleteTree(broker.workDir().resolve("data"));
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
