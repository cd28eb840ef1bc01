package dev.onering.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.JsonLineWriter;
import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.job.AlertRecord;
import dev.onering.stream.job.AlertRules;
import dev.onering.stream.job.PulsarTickJob;
import dev.onering.stream.job.QuarantinedRecord;
import dev.onering.stream.job.StreamSettings;
import dev.onering.stream.pulsar.PublishTimeline;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.report.StreamRunReport;
import dev.onering.stream.sink.SilverStoreTarget;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * How the demo gathers its report, without running the demo: the live counts, the publisher's
 * timeline and a real chDB store go in, the record and its files come out.
 */
class StreamReportDemoTest {
  static final LocalDate DAY = LocalDate.of(2026, 9, 3);
  static final long MIN = 60_000_000L;

  @TempDir Path tmp;

  @BeforeEach
  void freshCounts() {
    LiveCounts.reset();
  }

  private DemoCommand options() {
    DemoCommand demo = new DemoCommand(StreamEnv.of(Map.of()));
    new CommandLine(demo).parseArgs("--lake", tmp.resolve("data/lake").toString(), "--out", tmp.resolve("out").toString(),
        "--rate", "20000", "--parallelism", "3", "--defect-scale", "5");
    return demo;
  }

  private static PulsarTickJob.Config job() {
    return new PulsarTickJob.Config("pulsar://127.0.0.1:1", "http://127.0.0.1:1", "test", false, false,
        Duration.ofSeconds(1), StreamSettings.defaults().withLateness(Duration.ofSeconds(20), Duration.ofSeconds(45)),
        AlertRules.defaults(), null, 0);
  }

  @Test
  void quarantineIsCountedPerReasonBesideTheTotal() throws Exception {
    Sink<QuarantinedRecord> sink = LiveCounts.sink("quarantined", QuarantinedRecord::reason);
    @SuppressWarnings("deprecation")
    SinkWriter<QuarantinedRecord> w = sink.createWriter((Sink.InitContext) null);
    for (String reason : List.of("duplicate", "malformed_json", "duplicate")) {
      w.write(new QuarantinedRecord("ticks-0@1", reason, "seq", "", "{}", 1L), null);
    }
    assertThat(LiveCounts.get("quarantined")).isEqualTo(3);
    assertThat(LiveCounts.byKey("quarantined")).containsExactly(Map.entry("duplicate", 2L), Map.entry("malformed_json", 1L));
  }

  @Test
  void theReportGathersCountsTimelineAndStoreAndWritesItsFiles() throws Exception {
    DemoCommand options = options();
    SimulationConfig simulation = SimulationConfig.defaults().withSize(3, 2, 500).withStartDate(DAY);
    AtomicLong clock = new AtomicLong(1_000_000);
    DemoReport report = new DemoReport(options, simulation, job(), options.started, clock::get);
    clock.addAndGet(1_000);
    LiveCounts.add("bar updates", 40);
    LiveCounts.add("closed bars", 30);
    LiveCounts.add("late", 2);
    LiveCounts.add("quarantined", 3);
    LiveCounts.add("quarantined/duplicate", 3);
    report.sample(1_000);
    clock.addAndGet(500);
    report.mark("all published");

    PublishTimeline timeline = new PublishTimeline();
    long t = DAY.atStartOfDay(java.time.ZoneOffset.UTC).toEpochSecond() * 1_000_000L;
    timeline.observe(t, 1_000_000L);
    timeline.observe(t + MIN, 2_000_000L);
    List<long[]> firings = List.of(new long[] {t, 1_400_000L}, new long[] {t + MIN, 2_900_000L}, new long[] {t + 2 * MIN, 9L});

    Path chdb = tmp.resolve("chdb");
    StreamRunReport r;
    try (SilverStore store = SilverStoreTarget.chdb(chdb).openEmbedded()) {
      store.migrate(ChangelogApplier.locateDefaultChangelog());
      store.insertJsonEachRow("silver.alerts", new JsonLineWriter().appendLine(new StringBuilder(),
          new AlertRecord("AAPL", "momentum_run", t, t + 3 * MIN, 4, 0.003, "run")::writeClickHouseRow).toString());
      r = report.build(store, new TickPublisher.Result("ticks", 1_000, 90_000, 2.04, 490.2), timeline, firings);
    }

    assertThat(r.runId()).isEqualTo(DemoReport.RUN_ID.format(options.started)).matches("\\d{8}T\\d{6}Z");
    assertThat(r.ticksPublished()).isEqualTo(1_000);
    assertThat(r.publishSeconds()).isEqualTo(2.0);
    assertThat(r.ticksPerSecond()).isEqualTo(490);
    assertThat(r.barsInClickhouse()).isZero();
    assertThat(r.alertsInClickhouse()).isEqualTo(1);
    assertThat(r.alerts().byPattern()).containsExactly(Map.entry("momentum_run", 1L));
    assertThat(r.alerts().from()).isEqualTo(DAY);
    assertThat(r.alerts().to()).isEqualTo(DAY.plusDays(1));
    assertThat(r.barUpdates()).isEqualTo(40);
    assertThat(r.closedBars()).isEqualTo(30);
    assertThat(r.late()).isEqualTo(2);
    assertThat(r.quarantined()).isEqualTo(3);
    assertThat(r.quarantineByReason()).containsExactly(Map.entry("duplicate", 3L));
    // 400 ms and 900 ms; the third minute was never crossed by the publisher.
    assertThat(r.barDelays().count()).isEqualTo(2);
    assertThat(r.barDelays().unmatched()).isEqualTo(1);
    assertThat(r.barDelayMsP50()).isEqualTo(900.0);
    assertThat(r.barDelayMsP99()).isEqualTo(900.0);
    assertThat(r.barDelayDefinition()).contains("20 s out-of-orderness");
    assertThat(r.timeline().points()).containsExactly(new StreamRunReport.Point(1.0, 1_000, 40, 30, 2, 3, 0));
    assertThat(r.timeline().events()).containsExactly(new StreamRunReport.Event(1.5, "all published"));
    assertThat(r.missing()).isEmpty();

    StreamRunReport.Settings s = r.settings();
    assertThat(s.outOfOrdernessMs()).isEqualTo(20_000);
    assertThat(s.allowedLatenessMs()).isEqualTo(45_000);
    assertThat(s.dedupRetentionMs()).isEqualTo(300_000);
    assertThat(s.alertSpikeMove()).isEqualTo(AlertRules.defaults().spikeMove());
    assertThat(s.alertRisingBars()).isEqualTo(AlertRules.defaults().risingBars());
    assertThat(s.parallelism()).isEqualTo(3);
    assertThat(s.rate()).isEqualTo("20000");
    assertThat(s.checkpointIntervalMs()).isEqualTo(1_000);
    assertThat(s.symbols()).isEqualTo(3);
    assertThat(s.days()).isEqualTo(2);
    assertThat(s.startDate()).isEqualTo(DAY);
    assertThat(s.endDate()).isEqualTo(DAY.plusDays(1));
    assertThat(s.ticksPerDay()).isEqualTo(500);
    assertThat(s.defectScale()).isEqualTo(5.0);

    DemoReport.Written written = report.write(r);
    assertThat(written.html()).isEqualTo(tmp.resolve("out/stream").resolve(r.runId()).resolve("report.html")).isRegularFile();
    assertThat(written.json()).isRegularFile();
    assertThat(written.demoJson()).isEqualTo(tmp.resolve("data/reports/stream-demo.json")).isRegularFile();
    assertThat(Json.MAPPER.readValue(written.demoJson().toFile(), StreamRunReport.class)).isEqualTo(r);
    JsonNode demo = Json.MAPPER.readTree(written.demoJson().toFile());
    assertThat(demo.get("ticks_published").asLong()).isEqualTo(1_000);
    assertThat(demo.get("bar_delay_ms_p50").asDouble()).isEqualTo(900.0);
    assertThat(Files.readString(written.html())).contains("id=\"alert-table\"");
  }

  @Test
  void aStoreThatCannotBeReadLeavesItsFiguresOutAndSaysWhy() {
    DemoCommand options = options();
    DemoReport report = new DemoReport(options, SimulationConfig.defaults(), job(), Instant.now());
    SilverStore broken = (SilverStore) Proxy.newProxyInstance(SilverStore.class.getClassLoader(),
        new Class<?>[] {SilverStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("location")) {
            return "chDB at /nowhere";
          }
          throw new IllegalStateException("engine is closed");
        });
    StreamRunReport r = report.build(broken, new TickPublisher.Result("ticks", 0, 0, 0, 0), new PublishTimeline(), List.of());
    assertThat(r.barsInClickhouse()).isNull();
    assertThat(r.alerts()).isNull();
    assertThat(r.missing().get("alerts")).isEqualTo("silver.alerts could not be read from chDB at /nowhere: engine is closed");
    assertThat(r.missing().get("delay")).isEqualTo("No bar reached ClickHouse, so there is no delay to measure.");
  }
}
