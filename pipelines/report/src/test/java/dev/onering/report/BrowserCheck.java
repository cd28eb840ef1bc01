package dev.onering.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Assumptions;

/**
 * Opens a report page in headless Chromium and reads back the DOM after the scripts ran: every
 * chart drew a canvas and nothing threw. Shared with the batch and streaming modules through this
 * module's test jar, so each page is checked the same way.
 */
public final class BrowserCheck {
  private BrowserCheck() {}

  /**
   * The browser pages are opened in: $CHROMIUM, else /usr/bin/chromium (Debian's package, which
   * ops/scripts/install-ci-tools.sh installs for {@code make test}). Without one the calling test is
   * skipped on a developer's machine but fails under {@code CI=true}: a browser check that skips in
   * CI checks nothing, and a broken page would pass unseen.
   */
  public static Path chromium() {
    String env = System.getenv("CHROMIUM");
    Path p = Path.of(env != null && !env.isBlank() ? env : "/usr/bin/chromium");
    if (Files.isExecutable(p)) {
      return p;
    }
    String why = "no browser at " + p + " (set CHROMIUM, or install Debian's chromium: ops/scripts/install-ci-tools.sh)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + why + "; the browser checks must run in CI");
    }
    Assumptions.abort(why + ": browser check skipped");
    return null; // not reached: abort throws
  }

  /**
   * Asserts that every {@code [data-chart]} in the page drew on a canvas of some size and plots data,
   * and no script error was shown. Callers check which charts the page has.
   */
  public static Document assertChartsDraw(Path browser, Path html, Path tmp) throws Exception {
    Document dom = Jsoup.parse(dumpDom(browser, html, tmp));
    Element errors = dom.getElementById("js-errors");
    assertThat(errors.text()).as("script errors in " + html).isEmpty();
    List<Element> charts = dom.select("[data-chart]");
    assertThat(dom.body().attr("data-charts-drawn")).isEqualTo(String.valueOf(charts.size()));
    for (Element chart : charts) {
      String name = chart.attr("data-chart");
      assertThat(chart.attr("data-rendered")).as(name).isEqualTo("true");
      assertThat(chart.select("canvas")).as(name + " has a canvas").isNotEmpty();
      for (Element canvas : chart.select("canvas")) {
        // A chart laid out in a hidden or collapsed box draws on a 0-pixel canvas: nothing to see.
        assertThat(Integer.parseInt(canvas.attr("width"))).as(name + " canvas width").isPositive();
        assertThat(Integer.parseInt(canvas.attr("height"))).as(name + " canvas height").isPositive();
      }
      assertThat(Integer.parseInt(chart.attr("data-points"))).as(name + " plots data points").isPositive();
    }
    return dom;
  }

  private static String dumpDom(Path browser, Path html, Path tmp) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "chromium-profile");
    List<String> cmd = new ArrayList<>(List.of(
        browser.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
        // Lets the page's scripts finish before the DOM is read, without a wall-clock sleep.
        "--virtual-time-budget=5000", "--dump-dom", html.toUri().toString()));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 120 s for " + html);
    }
    assertThat(p.exitValue()).as("chromium exit code").isZero();
    return out.get(10, TimeUnit.SECONDS);
  }

  private static String read(InputStream in) {
    try (in) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
