package dev.onering.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.gold.InstrumentSummary;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.RunReport;
import dev.onering.pipeline.RunReport.Candle;
import dev.onering.pipeline.RunReport.PriceSeries;
import dev.onering.pipeline.StepResult;
import dev.onering.ticks.RejectReason;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

  private static final List<String> DATA_SECTIONS = List.of("steps", "layers", "quarantine", "prices", "intraday", "instruments");

  private static Document parse(RunReport report) {
    return Jsoup.parse(HtmlReport.render(report));
  }

  @Test
  void embeddedJsonIsTheReportItself() throws Exception {
    RunReport report = ReportFixtures.full();
    Document doc = parse(report);

    Element block = doc.getElementById("report-data");
    assertThat(block.attr("type")).isEqualTo("application/json");
    RunReport back = Json.MAPPER.readValue(block.data(), RunReport.class);
    assertThat(back).isEqualTo(report);
    // The same figures the charts will draw, spelled out for the ones that matter most.
    assertThat(back.layers()).containsEntry("bronze", 36_120L).containsEntry("quarantine", 318L);
    assertThat(back.prices().get(1).candles().get(39).close()).isEqualTo(report.prices().get(1).candles().get(39).close());

    JsonNode meta = Json.MAPPER.readTree(doc.getElementById("report-meta").data());
    assertThat(meta.at("/reasons/duplicate").asText()).isEqualTo(RejectReason.DUPLICATE.meaning());
    assertThat(meta.at("/defects/spike").asText()).isEqualTo(RejectReason.PRICE_SPIKE.code());
    assertThat(meta.at("/defects/late").isNull()).isTrue();
  }

  @Test
  void fullReportHasEverySectionWithItsChart() {
    Document doc = parse(ReportFixtures.full());
    for (String id : List.of("kpis", "steps", "layers", "quarantine", "prices", "intraday", "instruments", "dataset", "quality",
        "model")) {
      Element section = doc.getElementById(id);
      assertThat(section).as(id).isNotNull();
      assertThat(section.hasClass("omitted")).as(id).isFalse();
      assertThat(doc.select("nav a[href=#" + id + "]")).as("nav link to " + id).hasSize(1);
    }
    assertThat(doc.select("[data-chart]").eachAttr("data-chart"))
        .containsExactly("steps", "layers", "quarantine", "prices", "intraday", "risk", "dataset", "model-folds",
            "model-importance", "model-calibration");
    assertThat(doc.getElementById("run-id").text()).isEqualTo("20261123T150200Z-demo");
    assertThat(doc.getElementById("run-status").text()).isEqualTo("success");
  }

  @Test
  void kpiTilesShowLayerCountsAndTheQuarantineRate() {
    RunReport report = ReportFixtures.full();
    Document doc = parse(report);
    double rate = 100.0 * 318 / 36_120;
    assertThat(kpi(doc, "bronze")).isEqualTo("36,120");
    assertThat(kpi(doc, "silver")).isEqualTo("35,802");
    assertThat(kpi(doc, "gold")).isEqualTo("80");
    assertThat(kpi(doc, "quarantined")).isEqualTo("318");
    assertThat(kpi(doc, "quarantine-rate")).isEqualTo(String.format(Locale.ROOT, "%.2f %%", rate)).isEqualTo("0.88 %");
    long ok = report.steps().stream().filter(StepResult::succeeded).count();
    assertThat(kpi(doc, "steps")).isEqualTo(ok + " / " + report.steps().size());
  }

  private static String kpi(Document doc, String key) {
    return doc.selectFirst("[data-kpi=" + key + "] .kpi-value").text();
  }

  @Test
  void stepTableHasOneRowPerStepWithItsCounts() {
    RunReport report = ReportFixtures.full();
    Document doc = parse(report);
    assertThat(doc.select("#steps tbody tr[data-step]").eachAttr("data-step"))
        .containsExactlyElementsOf(report.steps().stream().map(StepResult::step).toList());
    Element silver = doc.selectFirst("#steps tr[data-step=silver]");
    assertThat(silver.select("td").eachText()).contains("36,120", "35,802", "318", "8.4 s", "success");
    assertThat(silver.selectFirst("details pre").text()).contains("\"duplicate\" : 141");
    assertThat(doc.selectFirst("#steps tr[data-step=ingest-csv] .badge").text()).isEqualTo("skipped");
    assertThat(doc.selectFirst("#steps tr[data-step=gold] .step-headline").text())
        .isEqualTo("Gold since the previous run: daily bars 4 added, 0 removed, 2 changed");
    assertThat(silver.selectFirst(".step-headline")).as("a step without a headline shows none").isNull();
  }

  @Test
  void quarantineTableGivesEachReasonItsMeaningAndShare() {
    Document doc = parse(ReportFixtures.full());
    Element dup = doc.selectFirst("#quarantine tr[data-reason=duplicate]");
    assertThat(dup.select("td").eachText())
        .containsExactly("duplicate", RejectReason.DUPLICATE.meaning(), "141", String.format(Locale.ROOT, "%.2f %%", 100.0 * 141 / 318));
    // Largest first, so the eye lands on what matters.
    assertThat(doc.select("#quarantine tr[data-reason]").eachAttr("data-reason"))
        .containsExactly("malformed_json", "duplicate", "price_spike", "null_price");
  }

  @Test
  void priceSelectorHasOneButtonPerSeriesWithItsChange() {
    RunReport report = ReportFixtures.full();
    Document doc = parse(report);
    List<Element> buttons = doc.select("#prices button.sym");
    assertThat(buttons).hasSize(report.prices().size());
    for (int i = 0; i < buttons.size(); i++) {
      PriceSeries p = report.prices().get(i);
      List<Candle> c = p.candles();
      double change = c.get(c.size() - 1).close() / c.get(0).open() - 1;
      assertThat(buttons.get(i).selectFirst(".sym-name").text()).isEqualTo(p.symbol());
      assertThat(buttons.get(i).selectFirst(".chg").text()).isEqualTo(String.format(Locale.ROOT, "%+.2f %%", change * 100));
      assertThat(buttons.get(i).attr("data-series")).isEqualTo(String.valueOf(i));
    }
    assertThat(buttons.get(0).hasClass("active")).isTrue();
  }

  @Test
  void instrumentTableHasSortableFiguresPerSymbol() {
    RunReport report = ReportFixtures.full();
    Document doc = parse(report);
    assertThat(doc.select("#instrument-table th[data-sort]")).hasSizeGreaterThan(5);
    for (InstrumentSummary s : report.instruments()) {
      Element tr = doc.selectFirst("#instrument-table tr[data-symbol=" + s.symbol() + "]");
      double periodReturn = s.lastClose() / s.firstOpen() - 1;
      assertThat(tr.select("td").eachText())
          .contains(String.format(Locale.ROOT, "%+.2f %%", periodReturn * 100),
              String.format(Locale.ROOT, "%.2f %%", s.annualisedVol() * 100),
              String.format(Locale.ROOT, "%.2f %%", s.maxDrawdown() * 100),
              String.format(Locale.ROOT, "%.2f", s.lastZscore20()),
              String.format(Locale.ROOT, "%.1f", s.lastRsi14()));
      // The sort key is the raw number, not the formatted text.
      assertThat(Double.parseDouble(tr.select("td").get(4).attr("data-v"))).isEqualTo(periodReturn);
    }
    // |z| >= 2 and RSI <= 30 are flagged for the eye.
    assertThat(doc.select("#instrument-table tr[data-symbol=BTC-USDT] td.flag")).hasSize(2);
  }

  @Test
  void datasetSetsInjectedDefectsBesideQuarantinedCounts() {
    RunReport report = ReportFixtures.full();
    Document doc = parse(report);
    Element dup = doc.selectFirst("#defect-table tr[data-defect=duplicate]");
    assertThat(dup.select("td").eachText()).containsExactly("duplicate", "0.400 %", "141", "duplicate", "141", "✓ matches");
    Element spike = doc.selectFirst("#defect-table tr[data-defect=spike]");
    long gap = report.quarantineByReason().get("price_spike") - report.dataset().defects().get("spike");
    assertThat(spike.select("td").eachText()).contains("20", "price_spike", "18", String.format(Locale.ROOT, "%+d vs injected", gap));
    assertThat(doc.selectFirst("#defect-table tr[data-defect=out_of_order]").text()).contains("must reach Silver");
    assertThat(doc.selectFirst("#dataset").text()).contains("Seed 42", "AAPL", "BTC-USDT");
  }

  @Test
  void qualityListOfMapsBecomesATable() {
    Document doc = parse(ReportFixtures.full());
    assertThat(doc.select("#quality-table th").eachText()).containsExactly("expectation", "success", "observed value", "severity");
    assertThat(doc.select("#quality-table tbody tr")).hasSize(2);
    assertThat(doc.select("#quality-table tbody tr").get(1).hasClass("st-failed")).isTrue();
    assertThat(doc.select("#quality-table tbody tr").get(1).text()).contains("failed", "3 rows out of range", "warning");
  }

  @Test
  void qualitySaysFirstWhetherACriticalFailureStoppedPromotion() {
    Document passed = parse(ReportFixtures.full());
    assertThat(passed.selectFirst("#quality-summary").text())
        .isEqualTo("2 expectations checked, 1 failed; no critical failure, so promotion was allowed.");

    RunReport full = ReportFixtures.full();
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    rows.add(Map.of("suite", "silver_batch_stats", "expectation", "mean(quarantine_share)", "success", false,
        "severity", "critical", "observed_value", "0.105"));
    rows.add(Map.of("suite", "silver_trades", "expectation", "not_null(price)", "success", true, "severity", "critical"));
    RunReport blocked = new RunReport(full.runId(), full.pipeline(), full.runtime(), full.lake(), full.startedAt(),
        full.finishedAt(), full.durationMs(), full.status(), full.steps(), full.layers(), full.quarantineByReason(),
        full.prices(), full.intraday(), full.instruments(), full.dataset(), rows, null);
    assertThat(parse(blocked).selectFirst("#quality-summary").text()).isEqualTo("2 expectations checked, 1 failed; "
        + "critical, so promotion was stopped: silver_batch_stats.mean(quarantine_share).");
  }

  @Test
  void qualityOfAnyOtherShapeIsShownAsJson() {
    RunReport full = ReportFixtures.full();
    RunReport other = new RunReport(full.runId(), full.pipeline(), full.runtime(), full.lake(), full.startedAt(),
        full.finishedAt(), full.durationMs(), full.status(), full.steps(), full.layers(), full.quarantineByReason(),
        full.prices(), full.intraday(), full.instruments(), full.dataset(), Map.of("suite", "silver<trades>", "passed", 12), null);
    Document doc = parse(other);
    assertThat(doc.selectFirst("#quality pre.json").text()).contains("\"suite\" : \"silver<trades>\"");
  }

  @Test
  void failedRunWithNoDataStillRendersAndSaysWhatIsMissing() {
    RunReport report = ReportFixtures.failed("ClickHouse refused the insert; start it with `make up`.");
    Document doc = parse(report);

    assertThat(doc.getElementById("run-status").text()).isEqualTo("failed");
    assertThat(doc.getElementById("steps").hasClass("omitted")).isFalse();
    assertThat(doc.select("[data-chart]").eachAttr("data-chart")).containsExactly("steps");
    for (String id : DATA_SECTIONS.subList(1, DATA_SECTIONS.size())) {
      Element section = doc.getElementById(id);
      assertThat(section).as(id).isNotNull();
      assertThat(section.hasClass("omitted")).as(id).isTrue();
      assertThat(section.selectFirst(".note").text()).as(id).contains("failed at step silver");
    }
    // Optional sections that were never filled leave no trace.
    assertThat(doc.getElementById("dataset")).isNull();
    assertThat(doc.getElementById("quality")).isNull();
    assertThat(doc.select("nav a[href=#dataset], nav a[href=#quality]")).isEmpty();
    assertThat(kpi(doc, "bronze")).isEqualTo("—");
    assertThat(kpi(doc, "quarantine-rate")).isEqualTo("—");
    assertThat(doc.selectFirst("#steps tr.error-row pre").text()).isEqualTo(report.steps().get(2).error());
    assertThat(doc.selectFirst("#steps tr[data-step=gold]").text()).contains("upstream step 'silver' did not succeed");
  }

  @Test
  void theModelSectionShowsTheVerdictTheFoldsAgainstTheBaselinesAndTheDriftTable() throws Exception {
    Document doc = parse(ReportFixtures.full());
    assertThat(doc.selectFirst("nav a[href=#model]")).isNotNull();
    assertThat(doc.getElementById("model-verdict").text()).startsWith("The model does NOT beat both baselines");
    assertThat(doc.getElementById("model-verdict").hasClass("warn")).isTrue();
    assertThat(doc.select("#fold-table tbody tr")).hasSize(5); // four folds and the pooled row
    assertThat(doc.selectFirst("#fold-table tr[data-fold=all]").text()).contains("0.650 / 0.500 / 0.550");
    assertThat(doc.select("#model [data-chart]")).extracting(e -> e.attr("data-chart"))
        .containsExactly("model-folds", "model-importance", "model-calibration");
    assertThat(doc.select("#drift-table tbody tr")).hasSize(2);
    assertThat(doc.selectFirst("#drift-table tr[data-feature=rv_20] .badge").text()).isEqualTo("drifted");
    assertThat(doc.getElementById("drift-summary").text()).contains("1 of 2");
    assertThat(doc.getElementById("model-registration").text()).contains("no MLflow");
    // The charts read the embedded JSON by its snake_case names: a camelCase field would draw nothing.
    JsonNode data = Json.MAPPER.readTree(doc.getElementById("report-data").data());
    JsonNode training = data.path("model").path("training");
    assertThat(training.path("calibration").get(0).has("mean_predicted")).isTrue();
    assertThat(training.path("calibration").get(0).has("observed_rate")).isTrue();
    assertThat(training.path("folds").get(0).path("z_rule").has("log_loss")).isTrue();
    assertThat(training.path("importance").get(0).has("gain_share")).isTrue();
    RunReport noModel = ReportFixtures.failed("boom");
    assertThat(parse(noModel).getElementById("model")).isNull();
  }

  @Test
  void reportWithNothingButAnIdRenders() {
    RunReport empty = new RunReport("bare", null, null, null, null, null, 0, null, null, null, null, null, null, null, null, null, null);
    Document doc = parse(empty);
    assertThat(doc.getElementById("run-status").text()).isEqualTo("unknown");
    for (String id : DATA_SECTIONS) {
      assertThat(doc.getElementById(id).hasClass("omitted")).as(id).isTrue();
    }
    assertThat(doc.select("[data-chart]")).isEmpty();
  }

  @Test
  void textFromTheRunIsEscapedEverywhere() throws Exception {
    String error = "bad row <script>alert('x')</script> & \"quotes\" {{data}}";
    RunReport failed = ReportFixtures.failed(error);
    RunReport report = new RunReport("run<1>&", failed.pipeline(), failed.runtime(), "/lake/<odd>&dir", failed.startedAt(),
        failed.finishedAt(), failed.durationMs(), failed.status(), failed.steps(), null, Map.of("dupl</script>icate", 3L),
        List.of(ReportFixtures.series("<b>X&Y</b>", "equity", 5, 10)), null, null, null, null, null);
    String html = HtmlReport.render(report);
    Document doc = Jsoup.parse(html);

    // Only the page's own five scripts: the error monitor, two JSON blocks, ECharts and the app.
    assertThat(doc.select("script")).hasSize(5);
    assertThat(html).doesNotContain("<script>alert").doesNotContain("dupl</script>").doesNotContain("<b>X");
    assertThat(doc.selectFirst("#steps tr.error-row pre").text()).isEqualTo(error);
    assertThat(doc.getElementById("run-id").text()).isEqualTo("run<1>&");
    assertThat(doc.selectFirst(".fact-wide code").text()).isEqualTo("/lake/<odd>&dir");
    assertThat(doc.selectFirst("#prices .sym-name").text()).isEqualTo("<b>X&Y</b>");
    assertThat(doc.selectFirst("#quarantine tr td code").text()).isEqualTo("dupl</script>icate");
    // The template is filled in one pass: "{{data}}" inside an error stays text.
    assertThat(doc.selectFirst(".banner").text()).contains("{{data}}");
    // And the JSON block still parses back to the same report.
    assertThat(Json.MAPPER.readValue(doc.getElementById("report-data").data(), RunReport.class)).isEqualTo(report);
  }

  @Test
  void pageLoadsNothingFromTheNetwork() {
    String html = HtmlReport.render(ReportFixtures.full());
    Document doc = Jsoup.parse(html);
    for (Element e : doc.select("[src], [href]")) {
      String url = e.hasAttr("src") ? e.attr("src") : e.attr("href");
      assertThat(url).as(e.outerHtml()).doesNotStartWithIgnoringCase("http:").doesNotStartWithIgnoringCase("https:")
          .doesNotStartWith("//");
    }
    assertThat(doc.select("script[src], link, iframe, img[src^=http]")).isEmpty();
    String css = doc.select("style").html();
    assertThat(css).doesNotContain("@import").doesNotContain("url(").doesNotContain("@font-face");
    // ECharts itself is inline.
    assertThat(doc.select("script:not([type])").stream().anyMatch(s -> s.data().contains("echarts"))).isTrue();
  }
}
