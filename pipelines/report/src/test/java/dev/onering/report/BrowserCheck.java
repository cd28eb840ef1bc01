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

/**
 * Opens a report page in headless Chromium and reads back the DOM after the scripts ran: every
 * chart drew a canvas and nothing threw. Shared with the batch and streaming modules through this
 * module's test jar, so each page is checked the same way.
 */
public final class BrowserCheck {
  private BrowserCheck() {}

  /**
   * /usr/bin/chromium or $CHROMIUM, or null where neither is there: CI images need not carry a
   * browser, so callers skip rather than fail (the jsoup tests still cover the markup there).
   */
  public static Path chromium() {
    String env = System.getenv("CHROMIUM");
    Path p = Path.of(env != null && !env.isBlank() ? env : "/usr/bin/chromium");
    return Files.isExecutable(p) ? p : null;
  }

  /** Asserts that every {@code [data-chart]} in the page drew, and no script error was shown. */
  public static Document assertChartsDraw(Path browser, Path html, Path tmp) throws Exception {
    Document dom = Jsoup.parse(dumpDom(browser, html, tmp));
    Element errors = dom.getElementById("js-errors");
    assertThat(errors.text()).as("script errors in " + html).isEmpty();
    List<Element> charts = dom.select("[data-chart]");
    assertThat(dom.body().attr("data-charts-drawn")).isEqualTo(String.valueOf(charts.size()));
    for (Element chart : charts) {
      assertThat(chart.attr("data-rendered")).as(chart.attr("data-chart")).isEqualTo("true");
      assertThat(chart.select("canvas")).as(chart.attr("data-chart") + " has a canvas").isNotEmpty();
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
