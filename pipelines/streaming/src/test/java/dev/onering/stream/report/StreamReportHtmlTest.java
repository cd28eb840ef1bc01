package dev.onering.stream.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.pipeline.Json;
import dev.onering.report.BrowserCheck;
import dev.onering.report.ReportWriter;
import dev.onering.stream.report.StreamRunReport.Alert;
import dev.onering.ticks.RejectReason;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamReportHtmlTest {

  private static final List<String> DATA_SECTIONS = List.of("timeline", "delay", "alerts", "quarantine", "settings");

  private static Document parse(StreamRunReport report) {
    return Jsoup.parse(StreamHtmlReport.render(report));
  }

  private static String kpi(Document doc, String key) {
    return doc.selectFirst("[data-kpi=" + key + "] .kpi-value").text();
  }

  @Test
  void fullReportHasEverySectionWithItsChart() {
    Document doc = parse(StreamReportFixtures.full());
    for (String id : StreamHtmlReport.SECTIONS) {
      Element section = doc.getElementById(id);
      assertThat(section).as(id).isNotNull();
      assertThat(section.hasClass("omitted")).as(id).isFalse();
      assertThat(doc.select("nav a[href=#" + id + "]")).as("nav link to " + id).hasSize(1);
    }
    assertThat(doc.select("[data-chart]").eachAttr("data-chart"))
        .containsExactly("stream-timeline", "stream-delay", "stream-alerts", "quarantine");
    assertThat(doc.getElementById("run-id").text()).isEqualTo("20261123T160000Z");
    assertThat(doc.title()).isEqualTo("OneRing stream demo 20261123T160000Z");
    // The batch page's look: the same stylesheet, header and tiles.
    assertThat(doc.selectFirst(".eyebrow").text()).isEqualTo("OneRing · stream demo");
    assertThat(doc.select("style").html()).contains(".kpi-value");
  }

  @Test
  void kpiTilesShowTheFiguresFormatted() {
    StreamRunReport r = StreamReportFixtures.full();
    Document doc = parse(r);
    assertThat(kpi(doc, "ticks")).isEqualTo("450,000");
    assertThat(kpi(doc, "rate")).isEqualTo("14,950");
    assertThat(kpi(doc, "bars")).isEqualTo("16,778");
    assertThat(kpi(doc, "alerts")).isEqualTo("3");
    assertThat(kpi(doc, "late")).isEqualTo("12");
    assertThat(kpi(doc, "quarantined")).isEqualTo("761");
    assertThat(kpi(doc, "delay-p50")).isEqualTo(String.format(Locale.ROOT, "%.1f s", Math.round(r.barDelayMsP50()) / 1000.0));
    assertThat(kpi(doc, "delay-p99")).isEqualTo(String.format(Locale.ROOT, "%.1f s", Math.round(r.barDelayMsP99()) / 1000.0));
    assertThat(doc.selectFirst("[data-kpi=ticks] .kpi-sub").text()).isEqualTo("in 30.1 s");
    assertThat(doc.selectFirst("[data-kpi=late] .kpi-sub").text()).isEqualTo("beyond 30 s + 60 s lateness");
    assertThat(doc.selectFirst("[data-kpi=quarantined] .kpi-sub").text()).isEqualTo("for 4 reasons");
    assertThat(doc.selectFirst("[data-kpi=alerts] .kpi-sub").text()).isEqualTo("of 2 patterns");
    assertThat(doc.selectFirst("[data-kpi=delay-p99] .kpi-sub").text()).isEqualTo("over 200 minutes");
  }

  @Test
  void embeddedJsonIsTheReportItselfAndParses() throws Exception {
    StreamRunReport report = StreamReportFixtures.full();
    Document doc = parse(report);
    Element block = doc.getElementById("report-data");
    assertThat(block.attr("type")).isEqualTo("application/json");
    StreamRunReport back = Json.MAPPER.readValue(block.data(), StreamRunReport.class);
    assertThat(back).isEqualTo(report);
    // What the charts read, by the names the script uses.
    JsonNode data = Json.MAPPER.readTree(block.data());
    assertThat(data.at("/timeline/points").size()).isEqualTo(40);
    assertThat(data.at("/timeline/points/0/ticks_sent").asDouble()).isEqualTo(15_000.0);
    assertThat(data.at("/timeline/events/0/label").asText()).isEqualTo("all published");
    assertThat(data.at("/bar_delays/bins/0/cumulative_share").isNumber()).isTrue();
    assertThat(data.at("/alerts/by_pattern/spike_reversal").asLong()).isEqualTo(2);
    assertThat(data.at("/quarantine_by_reason/malformed_json").asLong()).isEqualTo(300);
    // The figures stream-demo.json always had, under their old names.
    for (String key : List.of("ticks_published", "publish_seconds", "ticks_per_second", "bars_in_clickhouse",
        "alerts_in_clickhouse", "closed_bars", "late", "quarantined", "bar_delay_ms_p50", "bar_delay_ms_p99",
        "bar_delay_definition")) {
      assertThat(data.has(key)).as(key).isTrue();
    }

    JsonNode meta = Json.MAPPER.readTree(doc.getElementById("report-meta").data());
    assertThat(meta.at("/reasons/duplicate").asText()).isEqualTo(RejectReason.DUPLICATE.meaning());
    assertThat(meta.at("/patterns/momentum_run").asText()).startsWith("4 consecutive minutes");
    assertThat(meta.at("/patterns/spike_reversal").asText()).contains("0.40 %", "5 min", "50.00 %");
  }

  @Test
  void delaySectionGivesTheDefinitionPercentilesAndWhatWasNotCounted() {
    StreamRunReport r = StreamReportFixtures.full();
    Document doc = parse(r);
    Element delay = doc.getElementById("delay");
    assertThat(delay.selectFirst(".sub").text()).contains(r.barDelayDefinition());
    assertThat(delay.select("#delay-figures dd").eachText()).containsExactly("200",
        StreamHtmlReport.delay(r.barDelays().minMs()), StreamHtmlReport.delay(r.barDelays().p50Ms()),
        StreamHtmlReport.delay(r.barDelays().p90Ms()), StreamHtmlReport.delay(r.barDelays().p99Ms()),
        StreamHtmlReport.delay(r.barDelays().maxMs()));
    assertThat(delay.selectFirst("#delay-unmatched").text()).startsWith("2 minutes are not counted");
  }

  @Test
  void alertTableHasOneSortableRowPerAlert() {
    StreamRunReport r = StreamReportFixtures.full();
    Document doc = parse(r);
    List<Element> rows = doc.select("#alert-table tbody tr");
    assertThat(rows).hasSize(3);
    assertThat(doc.select("#alert-table th[data-sort]")).hasSize(7);
    Alert first = r.alerts().rows().get(0);
    assertThat(rows.get(0).select("td").eachText()).containsExactly("spike_reversal", "BTC-USDT", "2026-08-03 14:31:00",
        "2026-08-03 14:33:00", "3", String.format(Locale.ROOT, "%+.2f %%", first.move() * 100), first.detail());
    assertThat(rows.get(2).selectFirst("td.neg").text()).isEqualTo("-0.47 %");
    // Sort keys are the raw values.
    assertThat(Double.parseDouble(rows.get(0).select("td").get(5).attr("data-v"))).isEqualTo(first.move());
    assertThat(rows.get(0).select("td").get(2).attr("data-v")).isEqualTo("2026-08-03T14:31:00Z");
    assertThat(doc.select("#alert-patterns dt").eachText()).containsExactly("spike_reversal", "momentum_run");
    assertThat(doc.getElementById("alerts-truncated")).isNull();
  }

  @Test
  void aTruncatedAlertTableSaysSo() {
    StreamRunReport full = StreamReportFixtures.full();
    StreamRunReport.Alerts a = full.alerts();
    StreamRunReport.Alerts many = new StreamRunReport.Alerts(a.from(), a.to(), 1_250, Map.of("spike_reversal", 1_250L),
        a.rows(), 3);
    Document doc = parse(StreamReportFixtures.with(full.runId(), full.lake(), many, full.quarantineByReason()));
    assertThat(doc.getElementById("alerts-truncated").text())
        .isEqualTo("The table shows the first 3 of 1,250 matches by time; the chart counts them all.");
  }

  @Test
  void quarantineTableGivesEachReasonItsMeaningAndShareLargestFirst() {
    Document doc = parse(StreamReportFixtures.full());
    assertThat(doc.select("#quarantine tr[data-reason]").eachAttr("data-reason"))
        .containsExactly("malformed_json", "duplicate", "unknown_symbol", "price_spike");
    assertThat(doc.selectFirst("#quarantine tr[data-reason=duplicate]").select("td").eachText()).containsExactly(
        "duplicate", RejectReason.DUPLICATE.meaning(), "261", String.format(Locale.ROOT, "%.2f %%", 100.0 * 261 / 761));
  }

  @Test
  void settingsTableListsTheRulesTheRunUsed() {
    Document doc = parse(StreamReportFixtures.full());
    assertThat(value(doc, "out-of-orderness")).isEqualTo("30 s");
    assertThat(value(doc, "allowed-lateness")).isEqualTo("60 s");
    assertThat(value(doc, "dedup-retention")).isEqualTo("5 min");
    assertThat(value(doc, "spike-reference")).isEqualTo("median of last 63, from 5");
    assertThat(value(doc, "parallelism")).isEqualTo("2");
    assertThat(value(doc, "checkpoint-interval")).isEqualTo("1 s");
    assertThat(value(doc, "rate")).isEqualTo("max (as fast as the broker acks)");
    assertThat(value(doc, "dataset")).isEqualTo("24 symbols, 1 day from 2026-08-03, 5,000 ticks per symbol and day");
    assertThat(doc.select("tr[data-setting=rule-momentum_run] td").get(2).text()).startsWith("4 consecutive minutes");
  }

  private static String value(Document doc, String key) {
    return doc.select("tr[data-setting=" + key + "] td").get(1).text();
  }

  @Test
  void sectionsWithoutDataSayWhyInsteadOfDrawing() {
    Document doc = parse(StreamReportFixtures.empty());
    for (String id : DATA_SECTIONS) {
      Element section = doc.getElementById(id);
      assertThat(section).as(id).isNotNull();
      assertThat(section.hasClass("omitted")).as(id).isTrue();
      assertThat(section.selectFirst(".note").text()).as(id).isNotBlank();
    }
    assertThat(doc.select("[data-chart]")).isEmpty();
    assertThat(doc.selectFirst("#alerts .note").text())
        .isEqualTo("silver.alerts could not be read from chDB at /x: table is missing");
    assertThat(doc.selectFirst("#timeline .note").text()).contains("before the first 1 s progress sample");
    assertThat(doc.selectFirst("#delay .note").text()).contains("first bar could be matched to the publisher's timeline");
    assertThat(kpi(doc, "bars")).isEqualTo("—");
    assertThat(kpi(doc, "delay-p50")).isEqualTo("—");
    assertThat(doc.getElementById("run-id").text()).isEqualTo("bare");
  }

  @Test
  void noAlertsAndNothingQuarantinedAreSaidNotDrawn() {
    StreamRunReport full = StreamReportFixtures.full();
    StreamRunReport.Alerts none = new StreamRunReport.Alerts(full.alerts().from(), full.alerts().to(), 0, Map.of(), List.of(), 500);
    Document doc = parse(StreamReportFixtures.with(full.runId(), full.lake(), none, Map.of("duplicate", 0L)));
    assertThat(doc.getElementById("alerts").hasClass("omitted")).isFalse();
    assertThat(doc.getElementById("alerts-none").text()).startsWith("No pattern matched on the run's bars: spike_reversal needs");
    assertThat(doc.selectFirst("#quarantine .note.ok").text()).startsWith("Nothing was quarantined");
    assertThat(doc.select("[data-chart]").eachAttr("data-chart")).containsExactly("stream-timeline", "stream-delay");
  }

  @Test
  void textFromTheRunIsEscapedEverywhere() throws Exception {
    String detail = "</script><script>alert('x')</script> & {{data}}";
    StreamRunReport full = StreamReportFixtures.full();
    StreamRunReport report = StreamReportFixtures.with("run<1>&", "/lake/<odd>&dir",
        StreamReportFixtures.alerts("<b>X&Y</b>", detail), Map.of("dupl</script>icate", 3L));
    String html = StreamHtmlReport.render(report);
    Document doc = Jsoup.parse(html);

    // Only the page's own five scripts: the error monitor, two JSON blocks, ECharts and the app.
    assertThat(doc.select("script")).hasSize(5);
    assertThat(html).doesNotContain("<script>alert").doesNotContain("dupl</script>").doesNotContain("<b>X");
    assertThat(doc.getElementById("run-id").text()).isEqualTo("run<1>&");
    assertThat(doc.selectFirst(".fact-wide code").text()).isEqualTo("/lake/<odd>&dir");
    Element row = doc.selectFirst("#alert-table tbody tr");
    assertThat(row.attr("data-symbol")).isEqualTo("<b>X&Y</b>");
    assertThat(row.select("td").get(1).text()).isEqualTo("<b>X&Y</b>");
    assertThat(row.select("td").get(6).text()).isEqualTo(detail);
    assertThat(doc.selectFirst("#quarantine tr td code").text()).isEqualTo("dupl</script>icate");
    assertThat(Json.MAPPER.readValue(doc.getElementById("report-data").data(), StreamRunReport.class)).isEqualTo(report);
    assertThat(full).isNotEqualTo(report);
  }

  /**
   * Every chart draws in headless Chromium without a script error, for the full page and the ones
   * with sections missing (skipped where there is no browser, failed in CI). The pages stay in
   * target/report-sample/stream for a person to look at.
   */
  @Test
  void everyChartDrawsInABrowser(@TempDir Path tmp) throws Exception {
    StreamRunReport full = StreamReportFixtures.full();
    StreamRunReport.Alerts none = new StreamRunReport.Alerts(full.alerts().from(), full.alerts().to(), 0, Map.of(), List.of(), 500);
    Path samples = Path.of("target", "report-sample", "stream");
    Path fullPage = ReportWriter.write(full, StreamHtmlReport::render, samples.resolve("full")).html();
    Path emptyPage = ReportWriter.write(StreamReportFixtures.empty(), StreamHtmlReport::render, samples.resolve("empty")).html();
    Path quietPage = ReportWriter.write(StreamReportFixtures.with("quiet", full.lake(), none, Map.of()),
        StreamHtmlReport::render, samples.resolve("quiet")).html();
    Path browser = BrowserCheck.chromium();
    Document dom = BrowserCheck.assertChartsDraw(browser, fullPage, tmp);
    assertThat(dom.select("[data-chart]")).hasSize(4);
    BrowserCheck.assertChartsDraw(browser, emptyPage, tmp);
    BrowserCheck.assertChartsDraw(browser, quietPage, tmp);
  }
}
