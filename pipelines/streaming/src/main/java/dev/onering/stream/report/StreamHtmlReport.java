package dev.onering.stream.report;

import static dev.onering.report.Html.esc;

import dev.onering.report.Assets;
import dev.onering.report.Fmt;
import dev.onering.report.Markup;
import dev.onering.stream.job.AlertPatterns;
import dev.onering.stream.report.StreamRunReport.Alert;
import dev.onering.stream.report.StreamRunReport.Alerts;
import dev.onering.stream.report.StreamRunReport.Settings;
import dev.onering.stream.report.StreamRunReport.Timeline;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The stream demo's report.html from a {@link StreamRunReport}: the run report's template, CSS and
 * chart script (module onering-report), with the streaming sections. As on the batch page, text,
 * figures and tables are written here and the charts are drawn in the browser from the same record,
 * embedded as JSON; a section whose data is missing keeps its place and says why.
 */
public final class StreamHtmlReport {
  private StreamHtmlReport() {}

  /** Element ids of the sections, in page order; tests and the nav use the same names. */
  public static final List<String> SECTIONS = List.of("kpis", "timeline", "delay", "alerts", "quarantine", "settings");

  public static String render(StreamRunReport report) {
    Objects.requireNonNull(report, "report");
    return Assets.page("OneRing stream demo " + (report.runId() == null ? "(no id)" : report.runId()),
        new Page(report).render(), report, meta(report.settings()));
  }

  /** Lookups the charts need: what each reason and pattern means. */
  private static Map<String, Object> meta(Settings s) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("reasons", Markup.rejectReasons());
    meta.put("patterns", patterns(s));
    meta.put("echarts_version", Assets.echartsVersion());
    return meta;
  }

  /** The two CEP patterns in words, with the thresholds this run used. */
  static Map<String, String> patterns(Settings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(AlertPatterns.SPIKE_REVERSAL, s == null ? "a spike taken back"
        : String.format(Locale.ROOT, "a bar moving at least %s, then within %s a bar giving back at least %s of it",
            Fmt.pct(s.alertSpikeMove()), duration(s.alertReversalWithinMs()), Fmt.pct(s.alertReversalShare())));
    m.put(AlertPatterns.MOMENTUM_RUN, s == null ? "a run of rising bars"
        : s.alertRisingBars() + " consecutive minutes, each closing higher on more volume");
    return m;
  }

  /** Settings read as docs/streaming.md writes them: "30 s", "60 s", "5 min" (not "30.0 s", "5 min 00 s"). */
  static String duration(long ms) {
    if (ms >= 120_000 && ms % 60_000 == 0) {
      return ms / 60_000 + " min";
    }
    if (ms % 1_000 == 0) {
      return ms / 1_000 + " s";
    }
    return Fmt.duration(ms);
  }

  /** A delay in milliseconds as the tiles show it: "420 ms", "14.6 s". */
  public static String delay(Double ms) {
    return Fmt.finite(ms) ? Fmt.duration(Math.round(ms)) : Fmt.NONE;
  }

  private static final class Page extends Markup {
    private final StreamRunReport r;

    Page(StreamRunReport r) {
      this.r = r;
    }

    String render() {
      header();
      h.append("<main class=\"wrap\">\n");
      kpis();
      timeline();
      barDelay();
      alerts();
      h.append("<div class=\"grid-2\">\n");
      quarantine();
      settings();
      h.append("</div>\n</main>\n");
      h.append("<footer class=\"wrap foot\">Written by <code>onering stream demo</code>; <code>report.json</code>")
          .append(" beside this file holds the same data. Charts: Apache ECharts ")
          .append(esc(Assets.echartsVersion()))
          .append(", inlined.</footer>\n");
      return body();
    }

    private String missing(String section, String fallback) {
      String why = r.missing() == null ? null : r.missing().get(section);
      return why == null || why.isBlank() ? fallback : why;
    }

    private void omitted(String id, String title, String why) {
      omittedSection(id, title, esc(why));
    }

    // ---- header ------------------------------------------------------------------------------

    private void header() {
      headerStart("OneRing · stream demo", r.runId() == null ? "(no run id)" : r.runId(), "success");
      fact("Started", Fmt.instant(r.startedAt()));
      fact("Finished", Fmt.instant(r.finishedAt()));
      fact("Duration", Fmt.duration(r.durationMs()));
      fact("Runtime", "embedded: Pulsar, Flink MiniCluster, chDB");
      Settings s = r.settings();
      if (s != null) {
        fact("Parallelism", String.valueOf(s.parallelism()));
        fact("Rate", rate(s));
      }
      wideFact("Lake", r.lake() == null ? Fmt.NONE : r.lake());
      wideFact("ClickHouse", r.store() == null ? Fmt.NONE : r.store());
      h.append("</dl>\n");
      Map<String, String> nav = new LinkedHashMap<>();
      nav.put("kpis", "Overview");
      nav.put("timeline", "Timeline");
      nav.put("delay", "Bar delay");
      nav.put("alerts", "Alerts");
      nav.put("quarantine", "Quarantine");
      nav.put("settings", "Settings");
      headerEnd(nav);
    }

    private static String rate(Settings s) {
      return s.rate() == null || s.rate().equalsIgnoreCase("max") ? "max (as fast as the broker acks)"
          : s.rate() + " ticks/s";
    }

    // ---- KPI tiles ---------------------------------------------------------------------------

    private void kpis() {
      h.append("<section id=\"kpis\" class=\"kpis kpis-4\" aria-label=\"Key figures\">\n");
      tile("ticks", "Ticks published", Fmt.count(r.ticksPublished()),
          "in " + Fmt.duration(Math.round(r.publishSeconds() * 1000)));
      tile("rate", "Ticks per second", Fmt.count(r.ticksPerSecond()),
          r.settings() == null ? "publisher, acked" : "rate limit: " + r.settings().rate());
      tile("bars", "Bars in ClickHouse", Fmt.count(r.barsInClickhouse()), "silver.bars_1m, the run's dates");
      tile("alerts", "Alerts", Fmt.count(r.alertsInClickhouse()), patternsNote());
      tile("late", "Late", Fmt.count(r.late()), lateNote());
      tile("quarantined", "Quarantined", Fmt.count(r.quarantined()), reasonsNote());
      tile("delay-p50", "Bar delay p50", delay(r.barDelayMsP50()), "minute end to first bar in ClickHouse");
      tile("delay-p99", "Bar delay p99", delay(r.barDelayMsP99()),
          r.barDelays() == null ? "no bars measured" : "over " + Fmt.count(r.barDelays().count()) + " minutes");
      h.append("</section>\n");
    }

    private String patternsNote() {
      Alerts a = r.alerts();
      if (a == null || a.byPattern() == null) {
        return "silver.alerts, the run's dates";
      }
      long n = a.byPattern().values().stream().filter(v -> v != null && v > 0).count();
      return n == 1 ? "of 1 pattern" : "of " + n + " patterns";
    }

    private String lateNote() {
      Settings s = r.settings();
      return s == null ? "behind the watermark"
          : "beyond " + duration(s.outOfOrdernessMs()) + " + " + duration(s.allowedLatenessMs()) + " lateness";
    }

    private String reasonsNote() {
      Map<String, Long> q = r.quarantineByReason();
      if (q == null) {
        return "no reasons reported";
      }
      long n = q.values().stream().filter(v -> v != null && v > 0).count();
      return n == 1 ? "for 1 reason" : "for " + n + " reasons";
    }

    // ---- timeline ----------------------------------------------------------------------------

    private void timeline() {
      Timeline t = r.timeline();
      if (t == null || t.points() == null || t.points().isEmpty()) {
        omitted("timeline", "Timeline", missing("timeline",
            "No per-second samples: the run ended before the first 1 s progress sample."));
        return;
      }
      open("timeline", "Timeline", "Per second, sampled on the demo's 1 s progress tick: ticks the broker acknowledged,"
          + " bar rows upserted into ClickHouse and minutes closed (above); late and quarantined records and alerts"
          + " (below). Dashed lines mark when every tick was published and when the draining stop began.");
      chart("stream-timeline", 460, "Ticks, bars, late and quarantined records per second over the run");
      close();
    }

    // ---- bar delay ---------------------------------------------------------------------------

    private void barDelay() {
      DelayDistribution d = r.barDelays();
      String definition = r.barDelayDefinition() == null ? "" : r.barDelayDefinition();
      if (d == null || d.count() == 0 || d.bins() == null || d.bins().isEmpty()) {
        omitted("delay", "Bar delay", missing("delay", "No minute's first bar could be matched to the publisher's"
            + " timeline, so there is no delay to show.") + (definition.isEmpty() ? "" : " Bar delay: " + definition + "."));
        return;
      }
      open("delay", "Bar delay", "How long after its minute ended each minute's first bar was in ClickHouse: "
          + esc(definition) + ".");
      h.append("<dl class=\"facts facts-inline\" id=\"delay-figures\">\n");
      fact("Minutes measured", Fmt.count(d.count()));
      fact("Min", delay(d.minMs()));
      fact("p50", delay(d.p50Ms()));
      fact("p90", delay(d.p90Ms()));
      fact("p99", delay(d.p99Ms()));
      fact("Max", delay(d.maxMs()));
      h.append("</dl>\n");
      chart("stream-delay", 320, "Histogram of bar delays with the cumulative share");
      if (d.unmatched() > 0) {
        h.append("<p class=\"note\" id=\"delay-unmatched\">").append(Fmt.count(d.unmatched()))
            .append(d.unmatched() == 1 ? " minute is" : " minutes are")
            .append(" not counted: no tick at or past its end was ever published (the last minutes of the data),"
                + " so it closed only when the job was drained.</p>\n");
      }
      close();
    }

    // ---- alerts ------------------------------------------------------------------------------

    private void alerts() {
      Alerts a = r.alerts();
      if (a == null) {
        omitted("alerts", "Alerts", missing("alerts", "silver.alerts was not read."));
        return;
      }
      String range = a.from() == null ? "" : " on " + a.from() + (a.to() == null || a.to().equals(a.from()) ? "" : " to " + a.to());
      open("alerts", "Alerts", "The CEP matches in <code>silver.alerts</code> (FINAL)" + esc(range)
          + ", read back from ClickHouse after the run. Click a column to sort.");
      if (a.total() == 0) {
        h.append("<p class=\"note\" id=\"alerts-none\">No pattern matched on the run's bars: ")
            .append(esc(String.join("; ", patterns(r.settings()).entrySet().stream()
                .map(e -> e.getKey() + " needs " + e.getValue()).toList())))
            .append(".</p>\n");
        close();
        return;
      }
      // Counts and what each pattern means first; the table below can run to hundreds of rows.
      h.append("<div class=\"split\"><div>");
      chart("stream-alerts", 60 + 40 * Math.max(2, a.byPattern() == null ? 0 : a.byPattern().size()), "Alerts per pattern");
      h.append("</div><dl class=\"facts\" id=\"alert-patterns\">\n");
      patterns(r.settings()).forEach((p, what) -> fact("<code>" + esc(p) + "</code>", what));
      h.append("</dl></div>\n");
      h.append("<div class=\"table-tall\"><table class=\"data compact sortable\" id=\"alert-table\">\n<thead><tr>");
      th("Pattern", "text", "");
      th("Symbol", "text", "");
      th("First bar (UTC)", "text", "");
      th("Last bar (UTC)", "text", "");
      th("Bars", "num", "n");
      th("Move", "num", "n");
      th("Detail", "text", "");
      h.append("</tr></thead>\n<tbody>\n");
      List<Alert> rows = a.rows() == null ? List.of() : a.rows().stream().filter(Objects::nonNull).toList();
      for (Alert x : rows) {
        h.append("<tr data-pattern=\"").append(esc(x.pattern())).append("\" data-symbol=\"").append(esc(x.symbol())).append("\">")
            .append("<td data-v=\"").append(esc(x.pattern())).append("\"><code>").append(esc(x.pattern())).append("</code></td>")
            .append("<td class=\"sym-cell\" data-v=\"").append(esc(x.symbol())).append("\"><strong>").append(esc(x.symbol()))
            .append("</strong></td>");
        time(x.firstBarStart());
        time(x.lastBarStart());
        cell((double) x.bars(), String.valueOf(x.bars()), "");
        cell(x.move(), Fmt.signedPct(x.move()), x.move() > 0 ? "pos" : x.move() < 0 ? "neg" : "");
        h.append("<td class=\"muted\">").append(esc(x.detail())).append("</td></tr>\n");
      }
      h.append("</tbody></table></div>\n");
      if (rows.size() < a.total()) {
        h.append("<p class=\"note\" id=\"alerts-truncated\">The table shows the first ").append(Fmt.count((long) rows.size()))
            .append(" of ").append(Fmt.count(a.total())).append(" matches by time; the chart counts them all.</p>\n");
      }
      close();
    }

    private void time(java.time.Instant t) {
      String text = t == null ? Fmt.NONE : Fmt.instant(t).replace(" UTC", "");
      h.append("<td class=\"nowrap\" data-v=\"").append(t == null ? "" : t.toString()).append("\">").append(esc(text)).append("</td>");
    }

    // ---- quarantine --------------------------------------------------------------------------

    private void quarantine() {
      Map<String, Long> q = r.quarantineByReason();
      if (q == null) {
        omitted("quarantine", "Quarantine by reason", missing("quarantine", "No quarantine counts in this report."));
        return;
      }
      open("quarantine", "Quarantine by reason", "Messages the job kept out of Silver, and the rule each one broke:"
          + " the batch path's rules. They are in the lake's <code>quarantine/stream_ticks</code>.");
      quarantineByReason(q, "Nothing was quarantined: every message passed the cleaning rules.");
    }

    // ---- settings ----------------------------------------------------------------------------

    private void settings() {
      Settings s = r.settings();
      if (s == null) {
        omitted("settings", "Settings", missing("settings", "The settings were not recorded."));
        return;
      }
      open("settings", "Settings", "What the job and the publisher ran with (docs/streaming.md explains each rule).");
      h.append("<table class=\"data compact\" id=\"settings-table\"><thead><tr><th>Setting</th><th>Value</th><th>Meaning</th></tr></thead><tbody>\n");
      setting("out-of-orderness", "Out-of-orderness", duration(s.outOfOrdernessMs()),
          "how far behind the newest event time a trade may arrive and still be on time");
      setting("allowed-lateness", "Allowed lateness", duration(s.allowedLatenessMs()),
          "how long after its on-time firing a minute still takes trades, each one re-emitting the bar; later is late");
      setting("dedup-retention", "Dedup retention", duration(s.dedupRetentionMs()),
          "how long after a minute closes its (symbol, seq) keys are remembered");
      setting("spike-reference", "Spike reference", "median of last " + s.spikeWindow() + ", from " + s.spikeWarmup(),
          "a trade 3x away from the lower median of the symbol's recent accepted prices is a price spike");
      for (Map.Entry<String, String> p : patterns(s).entrySet()) {
        setting("rule-" + p.getKey(), "Alert rule", p.getKey(), p.getValue());
      }
      setting("parallelism", "Parallelism", String.valueOf(s.parallelism()), "Flink tasks per operator");
      setting("checkpoint-interval", "Checkpoint interval", duration(s.checkpointIntervalMs()),
          "Parquet, late and quarantine files commit at checkpoints");
      setting("rate", "Publish rate", rate(s), "ticks per second the publisher paces to");
      setting("dataset", "Dataset", s.symbols() + " symbols, " + s.days() + (s.days() == 1 ? " day" : " days") + " from "
          + s.startDate() + ", " + Fmt.count((long) s.ticksPerDay()) + " ticks per symbol and day",
          String.format(Locale.ROOT, "the simulator, seed %d, defect rates x%s", s.seed(), Fmt.num(s.defectScale(), 1)));
      h.append("</tbody></table>\n");
      close();
    }

    private void setting(String key, String label, String value, String meaning) {
      h.append("<tr data-setting=\"").append(esc(key)).append("\"><td>").append(esc(label)).append("</td><td><strong>")
          .append(esc(value)).append("</strong></td><td class=\"muted\">").append(esc(meaning)).append("</td></tr>\n");
    }
  }
}
