package dev.onering.cli.report;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onering.pipeline.RunReport;
import dev.onering.report.BrowserCheck;
import dev.onering.report.ReportWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run report in headless Chromium: every chart drew a canvas and nothing threw. Skipped, not
 * failed, where /usr/bin/chromium (or $CHROMIUM) is absent.
 */
class BrowserCheckTest {

  @Test
  void everyChartDrawsWithoutScriptErrors(@TempDir Path tmp) throws Exception {
    Path browser = BrowserCheck.chromium();
    assumeTrue(browser != null, "no chromium: browser check skipped");
    check(browser, ReportFixtures.realistic(), tmp.resolve("ok"), tmp);
    check(browser, ReportFixtures.full(), tmp.resolve("full"), tmp);
    check(browser, ReportFixtures.failed("boom <script>alert(1)</script>"), tmp.resolve("failed"), tmp);
  }

  private static void check(Path browser, RunReport report, Path dir, Path tmp) throws Exception {
    BrowserCheck.assertChartsDraw(browser, ReportWriter.write(report, HtmlReport::render, dir).html(), tmp);
  }
}
