package dev.onering.stream.report;

import dev.onering.stream.job.AlertRules;
import dev.onering.stream.job.StreamSettings;
import dev.onering.stream.report.StreamRunReport.Alert;
import dev.onering.stream.report.StreamRunReport.Alerts;
import dev.onering.stream.report.StreamRunReport.Settings;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Stream reports built by hand for the rendering tests: a full one and one with nothing in it. */
final class StreamReportFixtures {
  private StreamReportFixtures() {}

  static final Instant T0 = Instant.parse("2026-11-23T16:00:00Z");
  static final LocalDate DAY = LocalDate.of(2026, 8, 3);

  static Settings settings() {
    StreamSettings s = StreamSettings.defaults();
    AlertRules a = AlertRules.defaults();
    return new Settings(s.outOfOrderness().toMillis(), s.allowedLateness().toMillis(), s.dedupRetention().toMillis(),
        s.spikeWarmup(), s.spikeWindow(), a.spikeMove(), a.reversalShare(), a.reversalWithin().toMillis(),
        a.risingBars(), 2, 1_000, "max", 24, 1, DAY, DAY, 5_000, 1.0, 20261123L);
  }

  /** 40 s of a run: publishing for 30 s at about 15,000 ticks/s, then catching up and draining. */
  static StreamTimeline timeline() {
    long t0 = T0.toEpochMilli();
    StreamTimeline t = new StreamTimeline(new StreamTimeline.Sample(t0, 0, 0, 0, 0, 0, 0));
    long sent = 0, updates = 0, closed = 0, late = 0, quarantined = 0, alerts = 0;
    for (int s = 1; s <= 40; s++) {
      sent += s <= 30 ? 15_000 : 0;
      updates += s <= 33 ? 900 : 0;
      closed += s >= 3 && s <= 36 ? 480 : 0;
      late += s % 10 == 0 ? 3 : 0;
      quarantined += s <= 30 ? 25 : 0;
      alerts += s % 12 == 0 ? 1 : 0;
      t.add(new StreamTimeline.Sample(t0 + s * 1_000L, sent, updates, closed, late, quarantined, alerts));
    }
    t.mark(t0 + 30_200, "all published");
    t.mark(t0 + 37_000, "draining");
    return t;
  }

  static DelayDistribution delays() {
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      d.add(12_000 + 30.0 * i + (i % 7) * 11.0);
    }
    return DelayDistribution.of(new DelayDistribution.Matched(d, 2));
  }

  static Alerts alerts(String symbol, String detail) {
    List<Alert> rows = List.of(
        new Alert("spike_reversal", symbol, Instant.parse("2026-08-03T14:31:00Z"), Instant.parse("2026-08-03T14:33:00Z"), 3,
            0.0052, detail),
        new Alert("momentum_run", "AAPL", Instant.parse("2026-08-03T15:02:00Z"), Instant.parse("2026-08-03T15:05:00Z"), 4,
            0.0031, "4 rising closes on rising volume"),
        new Alert("spike_reversal", "ETH-USDT", Instant.parse("2026-08-03T19:47:00Z"), Instant.parse("2026-08-03T19:48:00Z"),
            2, -0.0047, "-0.47 % then +0.31 %"));
    Map<String, Long> byPattern = new LinkedHashMap<>();
    byPattern.put("spike_reversal", 2L);
    byPattern.put("momentum_run", 1L);
    return new Alerts(DAY, DAY, 3, byPattern, rows, 500);
  }

  static Map<String, Long> quarantine() {
    Map<String, Long> q = new LinkedHashMap<>();
    q.put("duplicate", 261L);
    q.put("malformed_json", 300L);
    q.put("price_spike", 80L);
    q.put("unknown_symbol", 120L);
    return q;
  }

  static StreamRunReport full() {
    return with("20261123T160000Z", "/tmp/onering/data/lake", alerts("BTC-USDT", "+0.52 % then -0.38 %"), quarantine());
  }

  static StreamRunReport with(String runId, String lake, Alerts alerts, Map<String, Long> quarantine) {
    DelayDistribution d = delays();
    return new StreamRunReport(runId, T0, T0.plusMillis(95_000), 95_000, lake, "chDB at /tmp/onering/data/chdb",
        450_000, 30.1, 14_950, 16_778L, alerts == null ? null : alerts.total(), 29_700, 16_320, 12, 761,
        d.p50Ms(), d.p99Ms(), "from the publisher sending the first tick at or past a minute's end to that minute's"
            + " first bar being visible in ClickHouse (wall clock); includes the 30 s out-of-orderness bound in event time",
        settings(), timeline().series(), d, alerts, quarantine, Map.of());
  }

  /** A run that reported nothing but its id, with one reason given. */
  static StreamRunReport empty() {
    return new StreamRunReport("bare", null, null, 0, null, null, 0, 0, 0, null, null, 0, 0, 0, 0, null, null, null,
        null, null, null, null, null, Map.of("alerts", "silver.alerts could not be read from chDB at /x: table is missing"));
  }
}
