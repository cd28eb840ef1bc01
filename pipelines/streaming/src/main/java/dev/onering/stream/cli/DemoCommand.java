package dev.onering.stream.cli;

import dev.onering.lake.Lake;
import dev.onering.serving.postgres.EmbeddedPostgresServer;
import dev.onering.stream.sink.SilverBarsTable;
import dev.onering.pipeline.Json;
import dev.onering.report.Fmt;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.job.AlertRules;
import dev.onering.stream.job.BarRecord;
import dev.onering.stream.job.PulsarTickJob;
import dev.onering.stream.job.QuarantinedRecord;
import dev.onering.stream.job.StreamEnvironment;
import dev.onering.stream.job.StreamSettings;
import dev.onering.stream.job.TickPipeline;
import dev.onering.stream.pulsar.EmbeddedPulsar;
import dev.onering.stream.pulsar.PublishTimeline;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.pulsar.TickSources;
import dev.onering.stream.report.StreamHtmlReport;
import dev.onering.stream.report.StreamRunReport;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.stream.sink.SilverStoreTarget;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {
      "The live half of OneRing on this machine, no Docker: starts a Pulsar broker in its own JVM, runs the",
      "streaming job on a Flink MiniCluster, publishes the simulator's ticks (defects included), shows live",
      "counts, then stops the job with a draining savepoint (every minute closes) and the broker.",
      "Bars and alerts land in the embedded ClickHouse's silver.bars_1m and silver.alerts, Parquet bars,",
      "late trades and quarantine in the lake. The report, with charts (throughput per second, bar delay,",
      "alerts, quarantine by reason, settings), goes to <out>/stream/<id>/report.html beside its report.json;",
      "the same figures to <lake>/../reports/stream-demo.json."
    })
final class DemoCommand implements Callable<Integer> {
  private final StreamEnv streamEnv;

  DemoCommand(StreamEnv streamEnv) {
    this.streamEnv = streamEnv;
  }

  @Option(names = "--lake", description = "Lake root (env " + StreamEnv.LAKE + ", default: ${DEFAULT-VALUE}).",
      defaultValue = Lake.DEFAULT_ROOT)
  String lake;

  @Option(names = "--chdb", description = "Embedded ClickHouse data directory (env " + StreamEnv.CHDB_PATH
      + ", default: ${DEFAULT-VALUE}).", defaultValue = ChDbSilverStore.DATA_DIR_DEFAULT)
  Path chdb;

  @Option(names = "--catalog-url", paramLabel = "JDBC-URL",
      description = "The Iceberg catalog closed bars are appended to (silver.bars_1m; env " + StreamEnv.CATALOG_URL
          + ", user " + StreamEnv.CATALOG_USER + ", password " + StreamEnv.CATALOG_PASSWORD + "). Default: the"
          + " embedded Postgres under the data directory (env " + StreamEnv.DATA_DIR + ", default data), the"
          + " batch's embedded catalog.")
  String catalogUrl;

  @Option(names = "--work", description = "Broker data, checkpoints and savepoints (default: ${DEFAULT-VALUE}).",
      defaultValue = "data/stream")
  Path work;

  // Below what the job sustains on two cores (make bench-stream), so the delays shown are the
  // pipeline's own; at max the publisher runs ahead and they measure the backlog.
  @Option(names = "--rate", paramLabel = "N|max", defaultValue = "10000",
      description = "Ticks per second to publish, or max (default: ${DEFAULT-VALUE}).")
  String rate;

  @Option(names = "--symbols", defaultValue = "24", description = "Instruments, 1-24 (default: ${DEFAULT-VALUE}).")
  int symbols;

  @Option(names = "--days", defaultValue = "2", description = "Days of ticks to publish (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--ticks-per-day", defaultValue = "10000",
      description = "Average trades per symbol per trading day (default: ${DEFAULT-VALUE}).")
  int ticksPerDay;

  @Option(names = "--defect-scale", defaultValue = "1", description = "Multiplies every defect rate (default: ${DEFAULT-VALUE}).")
  double defectScale;

  @Option(names = "--parallelism", defaultValue = "1",
      description = "Flink parallelism; at 1 the keyed work runs in the source's task, unshuffled, which on a"
          + " machine shared with the broker is the cheapest (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "out",
      description = "Where reports go: <DIR>/stream/<id>/report.html (env " + StreamEnv.OUT_DIR
          + ", default: ${DEFAULT-VALUE}).")
  String out;

  /** The report's start and id: when the command was made, which is when it was run. */
  final Instant started = Instant.now();

  /** (bar end, visible at) of every first firing, in micros, as the ClickHouse writers report them. */
  static final ConcurrentLinkedQueue<long[]> FIRST_FIRINGS = new ConcurrentLinkedQueue<>();

  @Override
  public Integer call() throws Exception {
    double ratePerSecond = PublishCommand.parseRate(rate);
    SimulationConfig simulation = SimulationConfig.defaults().withSize(symbols, days, ticksPerDay)
        .withDefectRates(SimulationConfig.defaultRates(defectScale));
    Files.createDirectories(work);
    StreamSettings settings = StreamSettings.defaults();
    StreamProgress.info("demo", "starting a Pulsar broker in its own JVM (about 10 s)");
    try (EmbeddedPulsar broker = EmbeddedPulsar.start(EmbeddedPulsar.Settings.defaults(work.resolve("pulsar"), streamEnv))) {
      StreamProgress.info("demo", "broker up in " + broker.startDuration().toSeconds() + " s at " + broker.serviceUrl());
      try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(broker.adminUrl()).build()) {
        StreamTopics.ensure(admin);
      }
      try (SilverStore store = SilverStoreTarget.chdb(chdb).openEmbedded();
          EmbeddedPostgresServer catalogDb = catalogUrl == null || catalogUrl.isBlank() ? startCatalogDb() : null) {
        store.migrate(ChangelogApplier.locateDefaultChangelog());
        SilverBarsTable bars = catalogDb != null
            ? new SilverBarsTable(SilverBarsTable.CATALOG_NAME, catalogDb.jdbcUrl(EmbeddedPostgresServer.CATALOG_DATABASE),
                catalogDb.user(), Lake.at(lake).root())
            : new SilverBarsTable(SilverBarsTable.CATALOG_NAME, catalogUrl.strip(),
                streamEnv.get(StreamEnv.CATALOG_USER).orElse(null), Lake.at(lake).root());
        StreamProgress.info("demo", "closed bars go to " + bars);
        return run(broker, store, simulation, settings, ratePerSecond, bars);
      }
    }
  }

  /** The embedded runtime's Postgres (the batch steps' too), with the Iceberg catalog's database. */
  private EmbeddedPostgresServer startCatalogDb() throws IOException {
    Path dir = Path.of(streamEnv.get(StreamEnv.DATA_DIR, DATA_DIR_DEFAULT)).resolve("postgres");
    StreamProgress.info("demo", "starting the embedded Postgres under " + dir + " (the Iceberg catalog)");
    return EmbeddedPostgresServer.start(dir, 0);
  }

  /** The embedded runtime's data directory when {@value StreamEnv#DATA_DIR} is unset, as the batch CLI's. */
  static final String DATA_DIR_DEFAULT = "data";

  private int run(EmbeddedPulsar broker, SilverStore store, SimulationConfig simulation, StreamSettings settings,
      double ratePerSecond, SilverBarsTable bars) throws Exception {
    StreamExecutionEnvironment env = StreamEnvironment.local(parallelism, work.resolve("checkpoints"));
    PulsarTickJob.Config config = new PulsarTickJob.Config(broker.serviceUrl(),
        broker.adminUrl(), "onering-stream-demo", false, true, PulsarTickJob.CHECKPOINT_INTERVAL_DEFAULT, settings,
        AlertRules.defaults(), new LakeAndClickHouseSinks.Targets(Lake.at(lake).root(),
            SilverStoreTarget.chdb(chdb), 100, DemoCommand::visible, bars), 0);
    TickPipeline.Streams streams = PulsarTickJob.define(env, config);
    streams.alerts().sinkTo(LiveCounts.sink("alerts")).name("count-alerts");
    streams.late().sinkTo(LiveCounts.sink("late")).name("count-late");
    streams.quarantine().sinkTo(LiveCounts.sink("quarantined", QuarantinedRecord::reason)).name("count-quarantined");
    streams.closedBars().sinkTo(LiveCounts.sink("closed bars")).name("count-closed");
    JobClient job = env.executeAsync("onering-stream-demo");
    DemoReport report = new DemoReport(this, simulation, config, started);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "demo-progress");
      t.setDaemon(true);
      return t;
    });
    TickPublisher.Result published;
    PublishTimeline timeline;
    try (PulsarClient client = PulsarClient.builder().serviceUrl(broker.serviceUrl()).build();
        TickPublisher publisher = TickPublisher.open(client,
            TickPublisher.Settings.defaults().withRate(ratePerSecond))) {
      ticker.scheduleAtFixedRate(() -> {
        long sent = publisher.acknowledged();
        report.sample(sent);
        StreamProgress.update("demo", live(sent));
      }, 1, 1, TimeUnit.SECONDS);
      published = publisher.publish(TickSources.simulator(simulation));
      report.mark("all published");
      timeline = publisher.timeline();
      // Let the job catch up: done when nothing has moved for three seconds.
      String last = "";
      for (int still = 0; still < 3; ) {
        Thread.sleep(1_000);
        String now = live(published.ticks());
        still = now.equals(last) ? still + 1 : 0;
        last = now;
      }
      StreamProgress.update("demo", "draining: closing every open minute with a savepoint");
      report.mark("draining");
      job.stopWithSavepoint(true, work.resolve("savepoints").toAbsolutePath().toUri().toString(),
          SavepointFormatType.CANONICAL).get(2, TimeUnit.MINUTES);
      job.getJobExecutionResult().get(2, TimeUnit.MINUTES);
      report.sample(published.ticks());
    } catch (Exception e) {
      job.cancel();
      throw e;
    } finally {
      ticker.shutdownNow();
      StreamProgress.endLine();
    }
    return summarize(report, store, published, timeline);
  }

  private static String live(long sent) {
    return String.format(Locale.ROOT, "%,d ticks sent | %,d bar updates | %,d closed | %,d alerts | %,d late | %,d quarantined",
        sent, LiveCounts.get("bar updates"), LiveCounts.get("closed bars"), LiveCounts.get("alerts"),
        LiveCounts.get("late"), LiveCounts.get("quarantined"));
  }

  static void visible(List<BarRecord> bars, long atMicros) {
    LiveCounts.add("bar updates", bars.size());
    for (BarRecord b : bars) {
      if (b.revision == 0) {
        FIRST_FIRINGS.add(new long[] {b.endMillis() * 1_000L, atMicros});
      }
    }
  }

  private int summarize(DemoReport report, SilverStore store, TickPublisher.Result published,
      PublishTimeline timeline) throws Exception {
    StreamRunReport r = report.build(store, published, timeline, FIRST_FIRINGS);
    DemoReport.Written written = report.write(r);
    StreamProgress.info("demo", String.format(Locale.ROOT,
        "%,d ticks at %,d ticks/s; %s bars and %s alerts in ClickHouse; %,d late, %,d quarantined;"
            + " bar delay p50 %s, p99 %s; figures in %s",
        r.ticksPublished(), r.ticksPerSecond(), Fmt.count(r.barsInClickhouse()), Fmt.count(r.alertsInClickhouse()), r.late(),
        r.quarantined(), StreamHtmlReport.delay(r.barDelayMsP50()), StreamHtmlReport.delay(r.barDelayMsP99()),
        written.demoJson()));
    StreamProgress.info("demo", "Report: " + written.html().toAbsolutePath());
    Map<String, Object> out = r.summary();
    out.put("report", written.html().toAbsolutePath().toString());
    System.out.println(Json.MAPPER.writeValueAsString(out));
    return 0;
  }
}
