package dev.onering.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.pipeline.Json;
import dev.onering.pipeline.RunReport;
import dev.onering.report.ReportWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's report.json and report.html, as `onering run` writes them with the shared writer. */
class RunReportFilesTest {

  @Test
  void writesJsonAndHtmlIntoTheRunFolder(@TempDir Path tmp) throws Exception {
    RunReport report = ReportFixtures.full();
    Path runDir = tmp.resolve("out/runs").resolve(report.runId());

    ReportWriter.Written written = ReportWriter.write(report, HtmlReport::render, runDir);

    assertThat(written.json()).isEqualTo(runDir.resolve("report.json")).isRegularFile();
    assertThat(written.html()).isEqualTo(runDir.resolve("report.html")).isRegularFile();
    assertThat(Json.MAPPER.readValue(written.json().toFile(), RunReport.class)).isEqualTo(report);
    assertThat(Jsoup.parse(written.html().toFile()).getElementById("run-id").text()).isEqualTo(report.runId());
    try (var files = Files.list(runDir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.json", "report.html");
    }
  }

  /**
   * Leaves sample pages in target/report-sample for a person (or the headless browser check) to
   * look at: one from the real simulator and Gold formulas, one failed run.
   */
  @Test
  void writesSamplePagesToLookAt() throws Exception {
    Path target = Path.of("target", "report-sample");
    ReportWriter.Written ok = ReportWriter.write(ReportFixtures.realistic(), HtmlReport::render, target.resolve("success"));
    ReportWriter.Written failed = ReportWriter.write(
        ReportFixtures.failed("Silver rejected 41% of lines, above the 5% tolerance: see quarantine/ticks/date=2026-09-01."),
        HtmlReport::render, target.resolve("failed"));
    assertThat(ok.html()).isRegularFile();
    assertThat(failed.html()).isRegularFile();
  }
}
