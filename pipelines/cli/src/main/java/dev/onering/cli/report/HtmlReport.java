package dev.onering.cli.report;

import static dev.onering.report.Html.esc;

import dev.onering.gold.InstrumentSummary;
import dev.onering.ml.DriftReport;
import dev.onering.ml.ModelSection;
import dev.onering.ml.TrainingReport;
import dev.onering.pipeline.RunReport;
import dev.onering.pipeline.RunReport.Candle;
import dev.onering.pipeline.RunReport.PriceSeries;
import dev.onering.pipeline.StepResult;
import dev.onering.report.Assets;
import dev.onering.report.Fmt;
import dev.onering.report.Html;
import dev.onering.report.Markup;
import dev.onering.simulator.Defect;
import dev.onering.simulator.Manifest;
import dev.onering.ticks.RejectReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * report.html from a {@link RunReport}: one self-contained file that opens from disk with no network.
 *
 * <p>Text, figures and tables are written here, so they read even where scripts do not run and
 * tests can check them; the charts are drawn in the browser by the inlined ECharts from the same
 * report, embedded verbatim as JSON in {@code <script type="application/json" id="report-data">}.
 * A section whose data is missing (a failed run) keeps its heading and says why instead of drawing.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** Element ids of the sections, in page order; tests and the nav use the same names. */
  public static final List<String> SECTIONS =
      List.of("kpis", "steps", "layers", "quarantine", "prices", "intraday", "instruments", "dataset", "quality", "model");

  public static String render(RunReport report) {
    Objects.requireNonNull(report, "report");
    return Assets.page(title(report), new Page(report).render(), report, meta());
  }

  private static String title(RunReport r) {
    String status = r.status() == null ? "" : " · " + r.status().name();
    return "OneRing run " + (r.runId() == null ? "(no id)" : r.runId()) + status;
  }

  /** Lookups the charts need that live in Java enums, so the page does not copy them by hand. */
  private static Map<String, Object> meta() {
    Map<String, String> defects = new LinkedHashMap<>();
    for (Defect d : Defect.values()) {
      defects.put(d.code(), d.quarantineReason() == null ? null : d.quarantineReason().code());
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("reasons", Markup.rejectReasons());
    meta.put("defects", defects);
    meta.put("echarts_version", Assets.echartsVersion());
    return meta;
  }


  /** One render: the report plus the figures several sections derive from it. */
  private static final class Page extends Markup {
    private final RunReport r;
    private final StepResult failedStep;
    private final Long quarantined;

    Page(RunReport r) {
      this.r = r;
      this.failedStep =
          r.steps() == null
              ? null
              : r.steps().stream()
                  .filter(s -> s != null && s.status() == StepResult.Status.failed)
                  .findFirst()
                  .orElse(null);
      this.quarantined = quarantinedTotal(r);
    }

    String render() {
      header();
      h.append("<main class=\"wrap\">\n");
      kpis();
      steps();
      h.append("<div class=\"grid-2\">\n");
      layers();
      quarantine();
      h.append("</div>\n");
      prices();
      intraday();
      instruments();
      if (r.dataset() != null) {
        dataset(r.dataset());
      }
      if (r.quality() != null) {
        quality(r.quality());
      }
      if (r.model() != null && r.model().training() != null) {
        model(r.model());
      }
      h.append("</main>\n");
      h.append("<footer class=\"wrap foot\">Written by <code>onering</code> from the run report; ")
          .append("<code>report.json</code> beside this file holds the same data. Charts: Apache ECharts ")
          .append(esc(Assets.echartsVersion()))
          .append(", inlined.</footer>\n");
      return body();
    }

    // ---- header ------------------------------------------------------------------------------

    private void header() {
      String status = r.status() == null ? "unknown" : r.status().name();
      headerStart("OneRing · " + (r.pipeline() == null ? "pipeline" : r.pipeline()) + " run",
          r.runId() == null ? "(no run id)" : r.runId(), status);
      fact("Started", Fmt.instant(r.startedAt()));
      fact("Finished", Fmt.instant(r.finishedAt()));
      fact("Duration", Fmt.duration(r.durationMs()));
      fact("Runtime", r.runtime() == null ? Fmt.NONE : r.runtime());
      wideFact("Lake", r.lake() == null ? Fmt.NONE : r.lake());
      h.append("</dl>\n");
      if (failedStep != null) {
        h.append("<p class=\"banner banner-failed\">Step <strong>")
            .append(esc(failedStep.step()))
            .append("</strong> failed")
            .append(failedStep.error() == null ? "." : ": " + esc(failedStep.error()))
            .append("</p>\n");
      }
      Map<String, String> nav = new LinkedHashMap<>();
      for (String id : SECTIONS) {
        if ((id.equals("dataset") && r.dataset() == null) || (id.equals("quality") && r.quality() == null)
            || (id.equals("model") && (r.model() == null || r.model().training() == null))) {
          continue;
        }
        nav.put(id, navName(id));
      }
      headerEnd(nav);
    }

    private static String navName(String id) {
      return switch (id) {
        case "kpis" -> "Overview";
        case "layers" -> "Layers";
        case "instruments" -> "Instruments";
        case "model" -> "Model";
        default -> Character.toUpperCase(id.charAt(0)) + id.substring(1);
      };
    }

    // ---- KPI tiles ---------------------------------------------------------------------------

    private void kpis() {
      Long bronze = layer("bronze");
      Double rate = bronze != null && bronze > 0 && quarantined != null ? (double) quarantined / bronze : null;
      h.append("<section id=\"kpis\" class=\"kpis\" aria-label=\"Key figures\">\n");
      tile("bronze", "Bronze lines", Fmt.count(bronze), "raw lines landed");
      tile("silver", "Silver trades", Fmt.count(layer("silver")), "accepted and cleaned");
      tile("gold", "Gold rows", Fmt.count(layer("gold")), "daily bars with metrics");
      tile("quarantined", "Quarantined", Fmt.count(quarantined), reasonsNote());
      tile("quarantine-rate", "Quarantine rate", Fmt.pct(rate), "of Bronze lines");
      if (r.steps() != null && !r.steps().isEmpty()) {
        long ok = r.steps().stream().filter(s -> s != null && s.succeeded()).count();
        tile("steps", "Steps succeeded", ok + " / " + r.steps().size(), Fmt.duration(r.durationMs()) + " in all");
      }
      h.append("</section>\n");
    }

    private String reasonsNote() {
      Map<String, Long> q = r.quarantineByReason();
      if (q == null) {
        return "no reasons reported";
      }
      long n = q.values().stream().filter(v -> v != null && v > 0).count();
      return n == 1 ? "for 1 reason" : "for " + n + " reasons";
    }

    private Long layer(String name) {
      return r.layers() == null ? null : r.layers().get(name);
    }

    private static Long quarantinedTotal(RunReport r) {
      if (r.layers() != null && r.layers().get("quarantine") != null) {
        return r.layers().get("quarantine");
      }
      if (r.quarantineByReason() == null) {
        return null;
      }
      return r.quarantineByReason().values().stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    }

    // ---- sections ----------------------------------------------------------------------------

    /** The section stays in place so the page keeps its shape; it says what is missing and why. */
    private void omitted(String id, String title, String what) {
      StringBuilder note = new StringBuilder(esc(what));
      if (failedStep != null) {
        note.append(" The run failed at step <strong>").append(esc(failedStep.step())).append("</strong> before producing it.");
      } else if (r.status() != null && r.status() != StepResult.Status.success) {
        note.append(" The run ended with status ").append(esc(r.status().name())).append('.');
      }
      omittedSection(id, title, note.toString());
    }

    private void steps() {
      List<StepResult> steps = r.steps() == null ? List.of() : r.steps().stream().filter(Objects::nonNull).toList();
      if (steps.isEmpty()) {
        omitted("steps", "Steps", "This report lists no steps.");
        return;
      }
      open("steps", "Steps", "When each step ran and for how long, relative to the start of the run.");
      chart("steps", 56 + 34 * steps.size(), "Step timeline");
      h.append("<div class=\"table-scroll\"><table class=\"data steps\">\n<thead><tr>")
          .append("<th>Step</th><th>Date</th><th>Status</th><th>Started</th><th class=\"n\">Duration</th>")
          .append("<th class=\"n\">Rows in</th><th class=\"n\">Rows out</th><th class=\"n\">Rejected</th><th>Details</th>")
          .append("</tr></thead>\n<tbody>\n");
      for (StepResult s : steps) {
        String status = s.status() == null ? "unknown" : s.status().name();
        h.append("<tr class=\"st-").append(esc(status)).append("\" data-step=\"").append(esc(s.step())).append("\">")
            .append("<td class=\"step-name\"><code>").append(esc(s.step())).append("</code></td>")
            .append("<td>").append(s.runDate() == null ? "all dates" : s.runDate().toString()).append("</td><td>");
        badge(status, "", null);
        h.append("</td><td class=\"muted\">").append(esc(Fmt.instant(s.startedAt()))).append("</td>")
            .append("<td class=\"n\">").append(esc(Fmt.duration(s.durationMs()))).append("</td>")
            .append("<td class=\"n\">").append(Fmt.count(s.rowsIn())).append("</td>")
            .append("<td class=\"n\">").append(Fmt.count(s.rowsOut())).append("</td>")
            .append("<td class=\"n").append(s.rowsRejected() > 0 ? " warn" : "").append("\">")
            .append(Fmt.count(s.rowsRejected())).append("</td><td>");
        // A skipped step's one useful fact is why; say it in the row rather than behind a toggle.
        if (s.status() == StepResult.Status.skipped && s.details() != null && s.details().get("reason") instanceof String why) {
          h.append("<span class=\"muted small\">").append(esc(why)).append("</span>");
        } else if (s.details() != null && !s.details().isEmpty()) {
          // A step may sum its result up in a line (gold: what changed since the previous run).
          if (s.details().get("headline") instanceof String headline) {
            h.append("<div class=\"muted small step-headline\">").append(esc(headline)).append("</div>");
          }
          h.append("<details><summary>details</summary><pre>").append(Html.prettyJson(s.details())).append("</pre></details>");
        }
        if (s.quality() != null) {
          h.append("<details><summary>quality</summary><pre>").append(Html.prettyJson(s.quality())).append("</pre></details>");
        }
        h.append("</td></tr>\n");
        if (s.error() != null && !s.error().isBlank()) {
          h.append("<tr class=\"error-row\"><td colspan=\"9\"><div class=\"step-error\"><span class=\"label\">Error</span><pre>")
              .append(esc(s.error())).append("</pre></div></td></tr>\n");
        }
      }
      h.append("</tbody></table></div>\n");
      close();
    }

    private void layers() {
      if (r.layers() == null || r.layers().isEmpty()) {
        omitted("layers", "Rows per layer", "No layer counts in this report.");
        return;
      }
      open("layers", "Rows per layer", "Bronze lines in, Silver trades and Gold daily rows out, and what was set aside.");
      chart("layers", 300, "Rows per layer");
      close();
    }

    private void quarantine() {
      Map<String, Long> q = r.quarantineByReason();
      if (q == null) {
        omitted("quarantine", "Quarantine by reason", "No quarantine counts in this report.");
        return;
      }
      open("quarantine", "Quarantine by reason", "Records kept out of Silver, and the rule each one broke.");
      quarantineByReason(q, "Nothing was quarantined: every Bronze line passed the cleaning rules.");
    }

    private void prices() {
      List<PriceSeries> series = r.prices() == null ? List.of() : r.prices().stream().filter(Objects::nonNull).toList();
      if (series.isEmpty()) {
        omitted("prices", "Daily prices", "No daily price series in this report.");
        return;
      }
      open("prices", "Daily prices", "Daily candles with the 20-day simple moving average and volume; below, the 20-day z-score (bands at ±2) and RSI-14 (bands at 30 and 70). Drag the slider to zoom.");
      h.append("<div class=\"symbols\" role=\"tablist\" aria-label=\"Symbol\">");
      for (int i = 0; i < r.prices().size(); i++) {
        PriceSeries p = r.prices().get(i);
        if (p == null) {
          continue;
        }
        Double change = change(p.candles());
        h.append("<button type=\"button\" role=\"tab\" class=\"sym").append(i == 0 ? " active" : "")
            .append("\" aria-selected=\"").append(i == 0).append("\" data-series=\"").append(i).append("\">")
            .append("<span class=\"sym-name\">").append(esc(p.symbol())).append("</span>")
            .append("<span class=\"sym-class\">").append(esc(p.assetClass())).append("</span>")
            .append("<span class=\"chg ").append(change == null ? "" : change >= 0 ? "pos" : "neg").append("\">")
            .append(Fmt.signedPct(change)).append("</span></button>");
      }
      h.append("</div>\n");
      chart("prices", 760, "Daily candles, SMA-20, volume, z-score and RSI for the selected symbol");
      close();
    }

    /** First open to last close over the candles shown, for the selector's at-a-glance figure. */
    private static Double change(List<Candle> candles) {
      if (candles == null || candles.isEmpty() || candles.get(0) == null || candles.get(candles.size() - 1) == null) {
        return null;
      }
      double open = candles.get(0).open();
      return open > 0 ? candles.get(candles.size() - 1).close() / open - 1 : null;
    }

    private void intraday() {
      RunReport.IntradaySeries d = r.intraday();
      if (d == null || d.bars() == null || d.bars().isEmpty()) {
        omitted("intraday", "Intraday", "No intraday bars in this report.");
        return;
      }
      open("intraday", "Intraday · " + (d.symbol() == null ? "" : d.symbol()) + (d.date() == null ? "" : " · " + d.date()),
          "1-minute candles (UTC) with the session VWAP (volume-weighted average price since the first bar) and volume.");
      chart("intraday", 460, "Intraday 1-minute candles");
      close();
    }

    private void instruments() {
      List<InstrumentSummary> list =
          r.instruments() == null ? List.of() : r.instruments().stream().filter(Objects::nonNull).toList();
      if (list.isEmpty()) {
        omitted("instruments", "Instruments", "No instrument summaries in this report.");
        return;
      }
      open("instruments", "Instruments", "Gold's summary per symbol over the whole period. Click a column to sort.");
      h.append("<div class=\"table-scroll\"><table class=\"data sortable\" id=\"instrument-table\">\n<thead><tr>");
      th("Symbol", "text", "");
      th("Class", "text", "");
      th("Days", "num", "n");
      th("Last close", "num", "n");
      th("Period return", "num", "n");
      th("Ann. vol", "num", "n");
      th("Max drawdown", "num", "n");
      th("Last z", "num", "n");
      th("Last RSI", "num", "n");
      h.append("</tr></thead>\n<tbody>\n");
      for (InstrumentSummary s : list) {
        h.append("<tr data-symbol=\"").append(esc(s.symbol())).append("\">")
            .append("<td class=\"sym-cell\" data-v=\"").append(esc(s.symbol())).append("\"><strong>").append(esc(s.symbol())).append("</strong>")
            .append(s.exchange() == null ? "" : "<span class=\"muted small\"> " + esc(s.exchange()) + "</span>").append("</td>")
            .append("<td data-v=\"").append(esc(s.assetClass())).append("\">").append(esc(s.assetClass())).append("</td>");
        cell((double) s.tradingDays(), Fmt.count((long) s.tradingDays()), "");
        cell(s.lastClose(), Fmt.price(s.lastClose()), "");
        cell(s.periodReturn(), Fmt.signedPct(s.periodReturn()), signClass(s.periodReturn()));
        cell(s.annualisedVol(), Fmt.pct(s.annualisedVol()), "");
        cell(s.maxDrawdown(), Fmt.pct(s.maxDrawdown()), s.maxDrawdown() < -0.2 ? "neg" : "");
        cell(s.lastZscore20(), Fmt.num(s.lastZscore20(), 2),
            Fmt.finite(s.lastZscore20()) && Math.abs(s.lastZscore20()) >= 2 ? "flag" : "");
        cell(s.lastRsi14(), Fmt.num(s.lastRsi14(), 1),
            Fmt.finite(s.lastRsi14()) && (s.lastRsi14() >= 70 || s.lastRsi14() <= 30) ? "flag" : "");
        h.append("</tr>\n");
      }
      h.append("</tbody></table></div>\n");
      chart("risk", 340, "Period return against annualised volatility, one point per symbol");
      close();
    }

    private static String signClass(double v) {
      return v > 0 ? "pos" : v < 0 ? "neg" : "";
    }

    private void dataset(Manifest m) {
      open("dataset", "Dataset", "What the simulator generated, and whether every injected defect was caught by the rule meant to catch it.");
      h.append("<dl class=\"facts facts-inline\">\n");
      fact("Seed", String.valueOf(m.seed()));
      fact("Start date", m.startDate() == null ? Fmt.NONE : m.startDate().toString());
      fact("Days", String.valueOf(m.days()));
      fact("Ticks per day", Fmt.count((long) m.ticksPerDay()));
      fact("Symbols", m.symbols() == null ? Fmt.NONE : String.valueOf(m.symbols().size()));
      fact("Clean ticks", Fmt.count(m.cleanTicks()));
      fact("Bronze lines", Fmt.count(m.lines()));
      h.append("</dl>\n");
      if (m.symbols() != null && !m.symbols().isEmpty()) {
        h.append("<p class=\"symbol-list\">");
        for (String s : m.symbols()) {
          h.append("<code>").append(esc(s)).append("</code> ");
        }
        h.append("</p>\n");
      }
      Map<String, Long> injected = m.defects() == null ? Map.of() : m.defects();
      Map<String, Long> q = r.quarantineByReason();
      h.append("<div class=\"split\"><div class=\"table-scroll\"><table class=\"data compact\" id=\"defect-table\"><thead><tr>")
          .append("<th>Defect injected</th><th class=\"n\">Rate</th><th class=\"n\">Injected</th><th>Quarantine reason</th>")
          .append("<th class=\"n\">Quarantined</th><th>Check</th></tr></thead><tbody>\n");
      Set<String> reasonsCovered = new LinkedHashSet<>();
      List<String> codes = new ArrayList<>(injected.keySet());
      for (String code : codes) {
        Long n = injected.get(code);
        Double rate = m.defectRates() == null ? null : m.defectRates().get(code);
        RejectReason reason = reasonFor(code);
        h.append("<tr data-defect=\"").append(esc(code)).append("\"><td><code>").append(esc(code)).append("</code></td>")
            .append("<td class=\"n\">").append(rate == null ? Fmt.NONE : esc(String.format(Locale.ROOT, "%.3f %%", rate * 100))).append("</td>")
            .append("<td class=\"n\">").append(Fmt.count(n)).append("</td>");
        if (reason == null) {
          h.append("<td class=\"muted\">none: only reordered, must reach Silver</td><td class=\"n\">").append(Fmt.NONE)
              .append("</td><td></td></tr>\n");
          continue;
        }
        reasonsCovered.add(reason.code());
        long expected = m.expectedQuarantine(reason);
        Long got = q == null ? null : q.getOrDefault(reason.code(), 0L);
        h.append("<td><code>").append(esc(reason.code())).append("</code></td>")
            .append("<td class=\"n\" data-quarantined=\"").append(got == null ? "" : got).append("\">").append(Fmt.count(got)).append("</td><td>");
        check(expected, got);
        h.append("</td></tr>\n");
      }
      if (q != null) {
        // Reasons no defect explains (e.g. from real CSV files) still belong in the reconciliation.
        for (Map.Entry<String, Long> e : q.entrySet()) {
          if (!reasonsCovered.contains(e.getKey()) && e.getValue() != null && e.getValue() > 0) {
            h.append("<tr data-reason=\"").append(esc(e.getKey())).append("\"><td class=\"muted\">none</td><td class=\"n\">")
                .append(Fmt.NONE).append("</td><td class=\"n\">0</td><td><code>").append(esc(e.getKey()))
                .append("</code></td><td class=\"n\">").append(Fmt.count(e.getValue())).append("</td><td>");
            check(0, e.getValue());
            h.append("</td></tr>\n");
          }
        }
      }
      h.append("</tbody></table></div>\n");
      chart("dataset", 60 + 34 * Math.max(3, reasonsCovered.size()), "Injected defects against quarantined records per reason");
      h.append("</div>\n");
      close();
    }

    private void check(long expected, Long got) {
      if (got == null) {
        h.append("<span class=\"muted\">not reported</span>");
      } else if (got == expected) {
        h.append("<span class=\"check ok\">✓ matches</span>");
      } else {
        h.append("<span class=\"check off\">").append(String.format(Locale.ROOT, "%+,d", got - expected)).append(" vs injected</span>");
      }
    }

    private static RejectReason reasonFor(String defectCode) {
      for (Defect d : Defect.values()) {
        if (d.code().equals(defectCode)) {
          return d.quarantineReason();
        }
      }
      return null;
    }

    /** One sentence a client reads first: how many checks ran, and which critical ones stopped the run. */
    private void qualitySummary(List<?> rows) {
      long failed = rows.stream().filter(o -> Boolean.FALSE.equals(((Map<?, ?>) o).get("success"))).count();
      List<String> critical = rows.stream().map(o -> (Map<?, ?>) o)
          .filter(m -> Boolean.FALSE.equals(m.get("success")) && "critical".equals(m.get("severity")))
          .map(m -> (m.get("suite") == null ? "" : m.get("suite") + ".") + m.get("expectation")).toList();
      h.append("<p class=\"note\" id=\"quality-summary\">").append(rows.size()).append(" expectations checked, ")
          .append(failed).append(" failed");
      if (critical.isEmpty()) {
        h.append("; no critical failure, so promotion was allowed.");
      } else {
        h.append("; critical, so promotion was stopped: <strong>").append(esc(String.join(", ", critical)))
            .append("</strong>.");
      }
      h.append("</p>\n");
    }

    // ---- model ------------------------------------------------------------------------------

    private void model(ModelSection m) {
      TrainingReport t = m.training();
      open("model", "Model", "XGBoost (trained in Java) predicting <em>" + esc(t.labelDefinition())
          + "</em>, by walk-forward folds against two baselines fitted on the same training rows: the majority class,"
          + " and the z-score rule \u201cbet on reversion when |z| &gt; 2\u201d. Scores are out of sample.");
      h.append("<p class=\"note ").append(t.beatsBaselines() ? "ok" : "warn").append("\" id=\"model-verdict\">")
          .append(esc(t.verdict())).append("</p>\n");
      h.append("<dl class=\"facts facts-inline\">\n");
      fact("Labelled rows", Fmt.count((long) t.labelledRows()) + " of " + Fmt.count((long) t.rows()));
      fact("Base rate", Fmt.pct(t.baseRate()));
      fact("Dates", t.firstDate() + " to " + t.lastDate());
      fact("Folds", String.valueOf(t.folds().size()));
      fact("Model trained on", t.trainFrom() + " to " + t.trainTo());
      fact("Holdout", t.holdout().testFrom() + " to " + t.holdout().testTo());
      h.append("</dl>\n");
      chart("model-folds", 420, "AUC and log loss per fold, model against baselines");
      h.append("<div class=\"table-scroll\"><table class=\"data compact\" id=\"fold-table\"><thead><tr>")
          .append("<th>Fold</th><th>Trained on</th><th>Tested on</th><th class=\"n\">Train rows</th>")
          .append("<th class=\"n\">Purged</th><th class=\"n\">Test rows</th><th class=\"n\">Base rate</th>")
          .append("<th class=\"n\">AUC model / majority / z-rule</th><th class=\"n\">Log loss model / majority / z-rule</th>")
          .append("<th class=\"n\">Accuracy model / majority / z-rule</th></tr></thead><tbody>\n");
      for (TrainingReport.FoldResult f : t.folds()) {
        h.append("<tr data-fold=\"").append(f.fold()).append("\"><td>").append(f.fold()).append("</td><td class=\"nowrap\">")
            .append(span(f.trainFrom(), f.trainTo())).append("</td><td class=\"nowrap\">").append(span(f.testFrom(), f.testTo()))
            .append("</td><td class=\"n\">").append(Fmt.count((long) f.trainRows()))
            .append("</td><td class=\"n\">").append(Fmt.count((long) f.purged())).append("</td><td class=\"n\">")
            .append(Fmt.count((long) f.testRows())).append("</td><td class=\"n\">").append(Fmt.pct(f.testBaseRate()))
            .append("</td>");
        triple(f.model().auc(), f.majority().auc(), f.zRule().auc(), 3, true);
        triple(f.model().logLoss(), f.majority().logLoss(), f.zRule().logLoss(), 4, false);
        triple(f.model().accuracy(), f.majority().accuracy(), f.zRule().accuracy(), 3, true);
        h.append("</tr>\n");
      }
      TrainingReport.Comparison o = t.overall();
      h.append("<tr class=\"total\" data-fold=\"all\"><td>all</td><td colspan=\"4\">pooled out-of-fold predictions</td>")
          .append("<td class=\"n\">").append(Fmt.count((long) o.rows())).append("</td><td class=\"n\">")
          .append(Fmt.pct(o.baseRate())).append("</td>");
      triple(o.model().auc(), o.majority().auc(), o.zRule().auc(), 3, true);
      triple(o.model().logLoss(), o.majority().logLoss(), o.zRule().logLoss(), 4, false);
      triple(o.model().accuracy(), o.majority().accuracy(), o.zRule().accuracy(), 3, true);
      h.append("</tr>\n</tbody></table></div>\n");
      h.append("<div class=\"grid-2\">\n");
      chart("model-importance", 60 + 26 * t.importance().size(), "Feature importance, share of total gain");
      chart("model-calibration", 360, "Reliability: mean predicted probability against the observed rate, per bin");
      h.append("</div>\n");
      if (m.registration() != null) {
        h.append("<p class=\"note\" id=\"model-registration\">Registered in MLflow as <code>onering</code> version ")
            .append(esc(String.valueOf(m.registration().get("version")))).append(Boolean.TRUE.equals(m.registration().get("promoted"))
                ? ", now the champion" : ", not promoted").append(" (").append(esc(String.valueOf(m.registration().get("reason"))))
            .append(").</p>\n");
      } else {
        h.append("<p class=\"note muted\" id=\"model-registration\">Not registered: no MLflow in this runtime. The model ")
            .append("(XGBoost JSON) and its training report are in <code>model/</code> beside this report.</p>\n");
      }
      drift(m.drift());
      close();
    }

    /** Two days of one year as "08-22 to 09-03": the year is in the facts above the table. */
    private static String span(java.time.LocalDate from, java.time.LocalDate to) {
      if (from == null || to == null) {
        return Fmt.NONE;
      }
      boolean oneYear = from.getYear() == to.getYear();
      return (oneYear ? from.toString().substring(5) : from.toString()) + " to " + (oneYear ? to.toString().substring(5) : to);
    }

    /** Model, majority, z-rule in one cell; the model's figure bold when it is the best of the three. */
    private void triple(double model, double majority, double zRule, int digits, boolean higherIsBetter) {
      boolean best = higherIsBetter ? model > Math.max(nanLow(majority), nanLow(zRule))
          : model < Math.min(majority, zRule);
      h.append("<td class=\"n\">").append(best ? "<strong>" : "").append(esc(Fmt.num(model, digits)))
          .append(best ? "</strong>" : "").append(" / ").append(esc(Fmt.num(majority, digits))).append(" / ")
          .append(esc(Fmt.num(zRule, digits))).append("</td>");
    }

    private static double nanLow(double v) {
      return Double.isNaN(v) ? Double.NEGATIVE_INFINITY : v;
    }

    private void drift(DriftReport d) {
      h.append("<h3 class=\"sub-head\">Feature drift</h3>\n");
      if (d == null) {
        h.append("<p class=\"note muted\" id=\"drift-table\">The drift step did not run or did not succeed; its row in ")
            .append("<a href=\"#steps\">Steps</a> says why.</p>\n");
        return;
      }
      h.append("<p class=\"note\" id=\"drift-summary\">Evidently compared the training window (")
          .append(d.referenceFrom()).append(" to ").append(d.referenceTo()).append(", ").append(d.referenceRows())
          .append(" days) with the ").append(d.currentRows()).append(" days after it (").append(d.currentFrom())
          .append(" to ").append(d.currentTo()).append("): <strong>").append(d.drifted()).append(" of ")
          .append(d.features().size()).append("</strong> features drifted. The full report: <code>drift/drift.html</code>.</p>\n");
      h.append("<div class=\"table-scroll\"><table class=\"data compact\" id=\"drift-table\"><thead><tr><th>Feature</th>")
          .append("<th>Test</th><th class=\"n\">Score</th><th>Drifted</th></tr></thead><tbody>\n");
      for (DriftReport.Feature f : d.features()) {
        h.append("<tr data-feature=\"").append(esc(f.name())).append("\"").append(f.drifted() ? " class=\"st-failed\"" : "")
            .append("><td><code>").append(esc(f.name())).append("</code></td><td>").append(esc(f.stattest() == null ? Fmt.NONE
                : f.stattest())).append("</td><td class=\"n\">").append(esc(Fmt.num(f.driftScore(), 4))).append("</td><td>");
        badge(f.drifted() ? "drifted" : "stable", "", null);
        h.append("</td></tr>\n");
      }
      h.append("</tbody></table></div>\n");
    }

    private void quality(Object quality) {
      open("quality", "Data quality", "The quality gate's expectations for this run.");
      if (quality instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(o -> o instanceof Map)) {
        qualitySummary(list);
        Set<String> columns = new LinkedHashSet<>();
        // The usual expectation fields first so every suite's table reads the same way.
        for (String k : List.of("expectation", "success", "observed_value", "severity")) {
          if (list.stream().anyMatch(o -> ((Map<?, ?>) o).containsKey(k))) {
            columns.add(k);
          }
        }
        list.forEach(o -> ((Map<?, ?>) o).keySet().forEach(k -> columns.add(String.valueOf(k))));
        h.append("<div class=\"table-scroll\"><table class=\"data compact\" id=\"quality-table\"><thead><tr>");
        columns.forEach(c -> h.append("<th>").append(esc(c.replace('_', ' '))).append("</th>"));
        h.append("</tr></thead><tbody>\n");
        for (Object o : list) {
          Map<?, ?> row = (Map<?, ?>) o;
          Object success = row.get("success");
          h.append("<tr").append(Boolean.FALSE.equals(success) ? " class=\"st-failed\"" : "").append('>');
          for (String c : columns) {
            Object v = row.get(c);
            h.append("<td>");
            if (c.equals("success") && v instanceof Boolean b) {
              badge(b ? "passed" : "failed", "", null);
            } else if (v == null) {
              h.append(Fmt.NONE);
            } else if (v instanceof Map || v instanceof List) {
              h.append("<code>").append(Html.prettyJson(v)).append("</code>");
            } else {
              h.append(esc(String.valueOf(v)));
            }
            h.append("</td>");
          }
          h.append("</tr>\n");
        }
        h.append("</tbody></table></div>\n");
      } else {
        h.append("<pre class=\"json\">").append(Html.prettyJson(quality)).append("</pre>\n");
      }
      close();
    }
  }
}
