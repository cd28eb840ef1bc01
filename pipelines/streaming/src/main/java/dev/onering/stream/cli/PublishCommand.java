package dev.onering.stream.cli;

import dev.onering.pipeline.Json;
import dev.onering.simulator.SimulationOptions;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.pulsar.TickSources;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {
      "Send Bronze tick lines to the ticks topic.",
      "",
      "Sends, in arrival order and keyed by symbol, the simulator's lines (the same lines `onering generate` writes",
      "for the same options, defects included) or those of Bronze files in a lake (--from-bronze). A partition's",
      "lines are packed into messages of up to --lines-per-message lines, joined by newlines.",
      "Progress goes to standard error; the last line of standard output is the JSON result."
    })
final class PublishCommand implements Callable<Integer> {
  @Mixin PulsarOptions pulsar;

  @Option(names = "--topic", paramLabel = "TOPIC",
      description = "Where to send (env " + StreamEnv.PULSAR_TOPIC + ", default: ${DEFAULT-VALUE}).",
      defaultValue = "persistent://onering/market/ticks")
  String topic;

  @Option(names = "--rate", paramLabel = "N|max",
      description = "Ticks per second, or max for as fast as the broker takes them (default: ${DEFAULT-VALUE}).",
      defaultValue = "max")
  String rate;

  @Option(names = "--from-bronze", paramLabel = "DIR",
      description = "Send the lines of the Bronze files here (a lake root, bronze/ticks or a date= folder) instead of simulating.")
  Path fromBronze;

  @Option(names = "--timeline", paramLabel = "FILE",
      description = "Write, for each minute of event time, when its first tick was sent (JSON, epoch microseconds).")
  Path timeline;

  @Option(names = "--max-pending", description = "Messages in flight before publishing waits (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + TickPublisher.Settings.MAX_PENDING_DEFAULT)
  int maxPending;

  @Option(names = "--lines-per-message", paramLabel = "N",
      description = "The most lines packed into one message (a partition's lines, joined by newlines, sent when full or"
          + " 5 ms after the first); 1 sends each line on its own (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + TickPublisher.Settings.LINES_PER_MESSAGE_DEFAULT)
  int linesPerMessage;

  @Option(names = "--ensure-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Create missing topics first, as `onering stream topics` does (default: on; --no-ensure-topics when "
          + "there is no admin access). "
          + "Without it, publishing to a missing topic would create a non-partitioned one.")
  boolean ensureTopics;

  // The simulated dataset: the same options and defaults as `onering generate`.
  @Mixin SimulationOptions simulation;

  static double parseRate(String rate) {
    if (rate.equalsIgnoreCase("max")) {
      return 0;
    }
    try {
      double r = Double.parseDouble(rate);
      if (r > 0) {
        return r;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new IllegalArgumentException("--rate takes a positive number of ticks per second or 'max', got '" + rate + "'");
  }

  @Override
  public Integer call() throws Exception {
    double ratePerSecond = parseRate(rate);
    if (linesPerMessage < 1) {
      throw new IllegalArgumentException("--lines-per-message takes 1 or more, got " + linesPerMessage);
    }
    TickSources.LineSource source = fromBronze != null ? TickSources.bronze(fromBronze) : TickSources.simulator(simulation.config());
    if (ensureTopics) {
      try (PulsarAdmin admin = pulsar.admin()) {
        TopicsCommand.ensure(admin, StreamTopics.TICKS_PARTITIONS_DEFAULT, pulsar)
            .created().forEach(c -> StreamProgress.info("publish", "created " + c));
      }
    }
    TickPublisher.Settings settings = TickPublisher.Settings.defaults()
        .withTopic(topic).withRate(ratePerSecond).withMaxPending(maxPending).withLinesPerMessage(linesPerMessage);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "publish-progress");
      t.setDaemon(true);
      return t;
    });
    TickPublisher.Result result;
    long messages;
    try (PulsarClient client = pulsar.client();
        TickPublisher publisher = open(client, settings)) {
      long t0 = System.nanoTime();
      long[] last = {0, t0};
      ticker.scheduleAtFixedRate(() -> {
        long now = System.nanoTime();
        long n = publisher.acknowledged();
        double recent = (n - last[0]) / ((now - last[1]) / 1e9);
        last[0] = n;
        last[1] = now;
        StreamProgress.update("publish", String.format(Locale.ROOT, "%,d ticks sent, %,.0f ticks/s, %,.1f MB",
            n, recent, publisher.acknowledgedBytes() / 1e6));
      }, 1, 1, TimeUnit.SECONDS);
      result = publisher.publish(source);
      messages = publisher.acknowledgedMessages();
      if (timeline != null) {
        publisher.writeTimeline(timeline);
      }
    } finally {
      ticker.shutdownNow();
      StreamProgress.endLine();
    }
    StreamProgress.info("publish", String.format(Locale.ROOT, "%,d ticks (%,.1f MB) to %s in %.1f s, %,.0f ticks/s",
        result.ticks(), result.bytes() / 1e6, result.topic(), result.seconds(), result.ticksPerSecond()));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("topic", result.topic());
    out.put("source", fromBronze != null ? fromBronze.toAbsolutePath().toString() : "simulator");
    out.put("ticks", result.ticks());
    out.put("messages", messages);
    out.put("bytes", result.bytes());
    out.put("seconds", Math.round(result.seconds() * 1000) / 1000.0);
    out.put("ticks_per_second", Math.round(result.ticksPerSecond()));
    out.put("rate_limit", ratePerSecond > 0 ? ratePerSecond : "max");
    out.put("timeline", timeline != null ? timeline.toAbsolutePath().toString() : null);
    System.out.println(Json.MAPPER.writeValueAsString(out));
    return 0;
  }

  private TickPublisher open(PulsarClient client, TickPublisher.Settings settings) throws PulsarClientException {
    try {
      return TickPublisher.open(client, settings);
    } catch (PulsarClientException e) {
      throw new IllegalStateException("cannot open a producer on " + settings.topic() + " (" + e.getMessage() + "); "
          + pulsar.unreachable(), e);
    }
  }
}
