package dev.onering.stream.cli;

import dev.onering.lake.Lake;
import dev.onering.report.ReportWriter;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.job.AlertRules;
import dev.onering.stream.job.PulsarTickJob;
import dev.onering.stream.job.StreamSettings;
import dev.onering.stream.pulsar.PublishTimeline;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.report.DelayDistribution;
import dev.onering.stream.report.StoreFigures;
import dev.onering.stream.report.StreamHtmlReport;
import dev.onering.stream.report.StreamRunReport;
import dev.onering.stream.report.StreamTimeline;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The demo's report: samples the live counts while the demo runs, then gathers the figures (from
 * the counts, the publisher's timeline and ClickHouse) into one {@link StreamRunReport} and writes
 * it as out/stream/&lt;id&gt;/report.json and report.html, and as &lt;lake&gt;/../reports/stream-demo.json.
 * Kept out of {@link DemoCommand} so the run loop only samples and marks.
 */
final class DemoReport {
  /** Alert rows the table shows; the per-pattern counts cover every match. */
  static final int ALERT_ROWS = 500;

  static final DateTimeFormatter RUN_ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final DemoCommand options;
  private final SimulationConfig simulation;
  private final PulsarTickJob.Config job;
  private final Instant started;
  private final LongSupplier clock;
  private final StreamTimeline timeline;

  /** Starts the timeline: its time zero is now, with the counts as they are. */
  DemoReport(DemoCommand options, SimulationConfig simulation, PulsarTickJob.Config job, Instant started) {
    this(options, simulation, job, started, System::currentTimeMillis);
  }

  /** @param clock epoch milliseconds, for the samples and marks */
  DemoReport(DemoCommand options, SimulationConfig simulation, PulsarTickJob.Config job, Instant started,
      LongSupplier clock) {
    this.options = options;
    this.simulation = simulation;
    this.job = job;
    this.started = started;
    this.clock = clock;
    this.timeline = new StreamTimeline(now(0));
  }

  String runId() {
    return RUN_ID.format(started);
  }

  /** Notes the counters now; the demo calls this on its 1 s progress tick. */
  void sample(long ticksSent) {
    timeline.add(now(ticksSent));
  }

  /** A moment worth a line on the timeline chart. */
  void mark(String label) {
    timeline.mark(clock.getAsLong(), label);
  }

  private StreamTimeline.Sample now(long ticksSent) {
    return new StreamTimeline.Sample(clock.getAsLong(), ticksSent, LiveCounts.get("bar updates"),
        LiveCounts.get("closed bars"), LiveCounts.get("late"), LiveCounts.get("quarantined"), LiveCounts.get("alerts"));
  }

  /** The figures once the job has stopped. A store that cannot be read leaves its figures null, saying why. */
  StreamRunReport build(SilverStore store, TickPublisher.Result published, PublishTimeline publishTimeline,
      Iterable<long[]> firstFirings) {
    Map<String, String> missing = new LinkedHashMap<>();
    DelayDistribution delays = DelayDistribution.of(DelayDistribution.match(firstFirings, publishTimeline.boundaries()));
    if (delays.count() == 0) {
      missing.put("delay", LiveCounts.get("bar updates") == 0 ? "No bar reached ClickHouse, so there is no delay to measure."
          : "None of the " + delays.unmatched() + " minutes' first bars came after a tick at or past the minute's end"
              + " was published (they closed when the job was drained), so there is no delay to measure.");
    }
    Long bars = null;
    StreamRunReport.Alerts alerts = null;
    try {
      bars = StoreFigures.bars(store, simulation.startDate(), simulation.endDateInclusive());
      alerts = StoreFigures.alerts(store, simulation.startDate(), simulation.endDateInclusive(), ALERT_ROWS);
    } catch (RuntimeException e) {
      missing.put("alerts", "silver.alerts could not be read from " + store.location() + ": " + StreamCli.message(e));
    }
    Instant finished = Instant.now();
    StreamSettings s = job.settings();
    AlertRules rules = job.rules();
    StreamRunReport.Settings settings = new StreamRunReport.Settings(
        s.outOfOrderness().toMillis(), s.allowedLateness().toMillis(), s.dedupRetention().toMillis(), s.spikeWarmup(),
        s.spikeWindow(), rules.spikeMove(), rules.reversalShare(), rules.reversalWithin().toMillis(), rules.risingBars(),
        options.parallelism, job.checkpointInterval().toMillis(), options.rate, simulation.symbols(), simulation.days(),
        simulation.startDate(), simulation.endDateInclusive(), simulation.ticksPerDay(), options.defectScale,
        simulation.seed());
    return new StreamRunReport(runId(), started, finished, finished.toEpochMilli() - started.toEpochMilli(),
        Lake.at(options.lake).root(), store.location(), published.ticks(), Math.round(published.seconds() * 10) / 10.0,
        Math.round(published.ticksPerSecond()), bars, alerts == null ? null : alerts.total(),
        LiveCounts.get("bar updates"), LiveCounts.get("closed bars"), LiveCounts.get("late"), LiveCounts.get("quarantined"),
        delays.p50Ms(), delays.p99Ms(), definition(s), settings, timeline.series(), delays, alerts,
        LiveCounts.byKey("quarantined"), missing);
  }

  static String definition(StreamSettings s) {
    return "from the publisher sending the first tick at or past a minute's end to that minute's first bar being"
        + " visible in ClickHouse (wall clock); includes the " + s.outOfOrderness().toSeconds()
        + " s out-of-orderness bound in event time";
  }

  /** Where the report went. */
  record Written(Path html, Path json, Path demoJson) {}

  Written write(StreamRunReport report) throws IOException {
    ReportWriter.Written run = ReportWriter.write(report, StreamHtmlReport::render,
        Path.of(options.out, "stream", report.runId()));
    // The file earlier versions wrote, with the same figures under the same names, and now the rest.
    Path demoJson = Path.of(Lake.at(options.lake).root()).resolveSibling("reports").resolve("stream-demo.json");
    ReportWriter.writeJson(report, demoJson);
    return new Written(run.html(), run.json(), demoJson);
  }
}
