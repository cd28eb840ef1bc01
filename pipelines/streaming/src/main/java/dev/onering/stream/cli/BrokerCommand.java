package dev.onering.stream.cli;

import dev.onering.stream.StreamEnv;
import dev.onering.stream.pulsar.EmbeddedPulsar;
import dev.onering.stream.pulsar.StreamTopics;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.pulsar.client.admin.PulsarAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
    description = {
      "Run an embedded Pulsar broker in the foreground until Ctrl-C.",
      "",
      "A Pulsar 4.0 standalone broker in its own JVM (about 400 MB), with the streaming topics created. Its data is",
      "wiped at every start: the lake is the system of record. Prints the URLs as `export` lines for the other",
      "`onering stream` commands: eval them in another shell."
    })
final class BrokerCommand implements Callable<Integer> {
  private final StreamEnv env;

  BrokerCommand(StreamEnv env) {
    this.env = env;
  }

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Configuration, data and broker.log (env " + StreamEnv.DATA_DIR + "/pulsar, default: ${DEFAULT-VALUE}).",
      defaultValue = "data/pulsar")
  Path workDir;

  @Option(names = "--port", description = "Broker (binary protocol) port; 0 picks a free one (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int port;

  @Option(names = "--web-port", description = "Admin (HTTP) port; 0 picks a free one (default: ${DEFAULT-VALUE}).",
      defaultValue = "0")
  int webPort;

  @Option(names = "--tick-partitions", description = "Partitions of the ticks topic (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + StreamTopics.TICKS_PARTITIONS_DEFAULT)
  int tickPartitions;

  @Override
  public Integer call() throws Exception {
    StreamProgress.info("broker", "starting Pulsar in " + workDir.toAbsolutePath() + " ...");
    try (EmbeddedPulsar pulsar = EmbeddedPulsar.start(
        EmbeddedPulsar.Settings.defaults(workDir, env).withPorts(port, webPort))) {
      try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(pulsar.adminUrl()).build()) {
        StreamTopics.ensure(admin, tickPartitions);
      }
      long rssMb = pulsar.residentBytes() / (1024 * 1024);
      StreamProgress.info("broker", String.format("ready in %.1f s, pid %d, %d MB resident, log %s",
          pulsar.startDuration().toMillis() / 1000.0, pulsar.pid(), rssMb, pulsar.logFile()));
      System.out.println("export " + PulsarOptions.SERVICE_URL_ENV + "=" + pulsar.serviceUrl());
      System.out.println("export " + PulsarOptions.ADMIN_URL_ENV + "=" + pulsar.adminUrl());
      System.out.flush();
      StreamProgress.info("broker", "running; Ctrl-C stops it");
      awaitBrokerExitOrSignal(pulsar);
      if (!pulsar.isAlive()) {
        throw new IllegalStateException("the broker stopped by itself; last lines of " + pulsar.logFile() + ":\n"
            + pulsar.logTail(30));
      }
    }
    return 0;
  }

  /**
   * Blocks until the broker dies. Ctrl-C ends the JVM, and EmbeddedPulsar's shutdown hook stops the
   * broker on the way out.
   */
  private static void awaitBrokerExitOrSignal(EmbeddedPulsar pulsar) throws InterruptedException {
    CountDownLatch exited = new CountDownLatch(1);
    ProcessHandle.of(pulsar.pid()).ifPresentOrElse(h -> h.onExit().thenRun(exited::countDown), exited::countDown);
    exited.await();
  }
}
