package dev.onering.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The page's fixed parts, read from the classpath once: template, CSS, script and ECharts. Every
 * OneRing report (the batch run's, the stream demo's) is this one template with its own body and
 * data, so the pages look alike and a change to the look is made once.
 */
public final class Assets {
  private Assets() {}

  static final String BASE = "/onering/report/";

  /**
   * A whole page: the shared template, CSS, ECharts and chart script around {@code body}, with
   * {@code data} and {@code meta} embedded as JSON for the charts ({@code #report-data},
   * {@code #report-meta}).
   *
   * @param title plain text; escaped here
   * @param body markup, already escaped where it holds outside text
   */
  public static String page(String title, String body, Object data, Object meta) {
    Map<String, String> slots = new LinkedHashMap<>();
    slots.put("title", Html.esc(title));
    slots.put("css", css());
    slots.put("body", body);
    slots.put("data", Html.scriptJson(data));
    slots.put("meta", Html.scriptJson(meta));
    slots.put("echarts", echarts());
    slots.put("app", js());
    return fill(template(), slots);
  }

  /** The webjar's own record of its version, so an ECharts upgrade in the parent pom needs no edit here. */
  private static final String ECHARTS_POM = "/META-INF/maven/org.mvnpm/echarts/pom.properties";

  static String template() {
    return Holder.TEMPLATE;
  }

  static String css() {
    return Holder.CSS;
  }

  static String js() {
    return Holder.JS;
  }

  public static String echarts() {
    return Lazy.ECHARTS;
  }

  public static String echartsVersion() {
    return Lazy.VERSION;
  }

  /**
   * Fills {@code {{name}}} slots in one pass. One pass matters: a slot's value (an escaped error
   * message, say) may itself contain "{{body}}", and that must stay text, not be filled again.
   */
  public static String fill(String template, Map<String, String> slots) {
    StringBuilder out = new StringBuilder(template.length() + slots.values().stream().mapToInt(String::length).sum());
    int i = 0;
    while (true) {
      int open = template.indexOf("{{", i);
      if (open < 0) {
        break;
      }
      int close = template.indexOf("}}", open + 2);
      if (close < 0) {
        break;
      }
      String name = template.substring(open + 2, close);
      String value = slots.get(name);
      if (value == null) {
        throw new IllegalStateException("report template slot {{" + name + "}} has no value");
      }
      out.append(template, i, open).append(value);
      i = close + 2;
    }
    return out.append(template, i, template.length()).toString();
  }

  private static final class Holder {
    static final String TEMPLATE = read(BASE + "report.html");
    static final String CSS = read(BASE + "report.css");
    static final String JS = read(BASE + "report.js");
  }

  // Separate holder: ECharts is 1.1 MB, worth not reading until a page is actually rendered.
  private static final class Lazy {
    static final String VERSION = echartsVersionFromPom();
    static final String ECHARTS = loadEcharts(VERSION);
  }

  private static String echartsVersionFromPom() {
    try (InputStream in = Assets.class.getResourceAsStream(ECHARTS_POM)) {
      if (in == null) {
        throw missing(ECHARTS_POM);
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version");
      if (v == null || v.isBlank()) {
        throw new IllegalStateException(ECHARTS_POM + " has no version property");
      }
      return v.trim();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + ECHARTS_POM, e);
    }
  }

  private static String loadEcharts(String version) {
    String js = read("/META-INF/resources/_static/echarts/" + version + "/dist/echarts.min.js");
    // The script is inlined; if a future build ever contained "</script" the page would break
    // silently, so say so here instead.
    if (js.toLowerCase(java.util.Locale.ROOT).contains("</script")) {
      throw new IllegalStateException("echarts " + version + " contains \"</script\" and cannot be inlined as is");
    }
    return js;
  }

  private static String read(String resource) {
    try (InputStream in = Assets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw missing(resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read classpath resource " + resource, e);
    }
  }

  private static IllegalStateException missing(String resource) {
    return new IllegalStateException(
        "classpath resource " + resource + " is missing: a report needs onering-report and"
            + " org.mvnpm:echarts on the classpath (build with `make build` and run from target/lib)");
  }
}
