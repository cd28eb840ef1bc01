package dev.onering.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.pipeline.RunReport;
import dev.onering.report.BrowserCheck;
import dev.onering.report.ReportWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report in headless Chromium: the page has the charts its run calls for, each drew data on
 * a canvas, and nothing threw. Skipped where there is no browser, except in CI
 * ({@link BrowserCheck#chromium()}).
 */
class BrowserCheckTest {

  /** A run with every section: the charts HtmlReportTest expects in the markup, now drawn. */
  static final List<String> PIPELINE = List.of("steps", "layers", "quarantine", "prices", "intraday", "risk", "dataset");
  /** ...and the model section's, when the run trained a model. */
  static final List<String> FULL = java.util.stream.Stream.concat(PIPELINE.stream(),
      java.util.stream.Stream.of("model-folds", "model-importance", "model-calibration")).toList();

  @Test
  void everyChartDrawsWithoutScriptErrors(@TempDir Path tmp) throws Exception {
    Path browser = BrowserCheck.chromium();
    assertThat(charts(browser, ReportFixtures.realistic(), tmp.resolve("ok"), tmp)).isEqualTo(PIPELINE);
    assertThat(charts(browser, ReportFixtures.full(), tmp.resolve("full"), tmp)).isEqualTo(FULL);
    assertThat(charts(browser, ReportFixtures.failed("boom <script>alert(1)</script>"), tmp.resolve("failed"), tmp))
        .containsExactly("steps");
  }

  private static List<String> charts(Path browser, RunReport report, Path dir, Path tmp) throws Exception {
    return BrowserCheck.assertChartsDraw(browser, ReportWriter.write(report, HtmlReport::render, dir).html(), tmp)
        .select("[data-chart]").eachAttr("data-chart");
  }
}
