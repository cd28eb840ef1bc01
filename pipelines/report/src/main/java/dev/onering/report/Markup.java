package dev.onering.report;

import static dev.onering.report.Html.esc;

import dev.onering.ticks.RejectReason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The pieces every report page is built from (header, KPI tiles, section cards, charts, sortable
 * tables), written as the shared CSS and chart script expect them. A page extends this and adds its
 * sections in order; {@link Assets#page} wraps the body in the template.
 *
 * <p>Text from outside (symbols, paths, error messages) goes through {@link Html#esc}: every method
 * here escapes its text arguments unless the parameter says it takes markup.
 */
public abstract class Markup {
  protected final StringBuilder h = new StringBuilder(64 * 1024);

  /** The page's body so far. */
  protected String body() {
    return h.toString();
  }

  // ---- header ----------------------------------------------------------------------------------

  /** Opens the header: eyebrow, title ({@code #run-id}), status badge ({@code #run-status}), facts. */
  protected void headerStart(String eyebrow, String title, String status) {
    h.append("<header class=\"top\"><div class=\"wrap\">\n")
        .append("<div class=\"title-row\"><div><div class=\"eyebrow\">")
        .append(esc(eyebrow))
        .append("</div>\n<h1 id=\"run-id\">")
        .append(esc(title))
        .append("</h1></div>\n");
    badge(status, "badge-lg", "run-status");
    h.append("</div>\n<dl class=\"facts\">\n");
  }

  /** @param label markup (a constant of the page) */
  protected void fact(String label, String value) {
    h.append("<div class=\"fact\"><dt>").append(label).append("</dt><dd>").append(esc(value)).append("</dd></div>\n");
  }

  /** A fact whose value is a path or URI, shown as code on a line of its own. */
  protected void wideFact(String label, String value) {
    h.append("<div class=\"fact fact-wide\"><dt>").append(esc(label)).append("</dt><dd><code>")
        .append(esc(value)).append("</code></dd></div>\n");
  }

  /**
   * Closes the header (the facts' {@code </dl>} and any banner are the page's) and writes the nav.
   * The nav sits outside the header so it can stick to the top of the whole page while scrolling.
   *
   * @param sections section id to the link's text, in page order
   */
  protected void headerEnd(Map<String, String> sections) {
    h.append("</div></header>\n<nav class=\"nav\" aria-label=\"Sections\"><div class=\"wrap\">");
    sections.forEach((id, name) -> h.append("<a href=\"#").append(id).append("\">").append(esc(name)).append("</a>"));
    h.append("</div></nav>\n");
  }

  protected void badge(String status, String extraClass, String id) {
    h.append("<span class=\"badge badge-").append(esc(status)).append(' ').append(extraClass).append('"');
    if (id != null) {
      h.append(" id=\"").append(id).append('"');
    }
    h.append('>').append(esc(status)).append("</span>");
  }

  // ---- KPI tiles -------------------------------------------------------------------------------

  /** One tile: {@code data-kpi=key}, a label, the figure and a line under it. */
  protected void tile(String key, String label, String value, String sub) {
    h.append("<div class=\"kpi kpi-").append(key).append("\" data-kpi=\"").append(key).append("\">")
        .append("<div class=\"kpi-label\">").append(esc(label)).append("</div>")
        .append("<div class=\"kpi-value\">").append(esc(value)).append("</div>")
        .append("<div class=\"kpi-sub\">").append(esc(sub)).append("</div></div>\n");
  }

  // ---- sections --------------------------------------------------------------------------------

  /** @param subtitle markup, or null */
  protected void open(String id, String title, String subtitle) {
    h.append("<section id=\"").append(id).append("\" class=\"card\">\n<div class=\"card-head\"><h2>")
        .append(esc(title)).append("</h2>");
    if (subtitle != null) {
      h.append("<p class=\"sub\">").append(subtitle).append("</p>");
    }
    h.append("</div>\n");
  }

  protected void close() {
    h.append("</section>\n");
  }

  /**
   * A section without its data: it stays in place so the page keeps its shape, and says what is
   * missing and why instead of drawing.
   *
   * @param noteHtml markup
   */
  protected void omittedSection(String id, String title, String noteHtml) {
    h.append("<section id=\"").append(id).append("\" class=\"card omitted\">\n<div class=\"card-head\"><h2>")
        .append(esc(title)).append("</h2></div>\n<p class=\"note\">").append(noteHtml).append("</p>\n</section>\n");
  }

  /** A chart's box; the page's script draws {@code renderers[name]} into it. */
  protected void chart(String name, int heightPx, String label) {
    h.append("<div class=\"chart\" data-chart=\"").append(name).append("\" role=\"img\" aria-label=\"")
        .append(esc(label)).append("\" style=\"height:").append(heightPx).append("px\"></div>\n");
  }

  // ---- sortable tables -------------------------------------------------------------------------

  /** A header cell the table sort reads: {@code kind} is "num" or "text". */
  protected void th(String label, String kind, String cls) {
    h.append("<th class=\"").append(cls).append("\" data-sort=\"").append(kind).append("\" aria-sort=\"none\" tabindex=\"0\">")
        .append(esc(label)).append("</th>");
  }

  /** A numeric cell: the formatted text shown, the raw number as its sort key. */
  protected void cell(Double sortValue, String text, String cls) {
    h.append("<td class=\"n ").append(cls).append("\" data-v=\"").append(Fmt.sortKey(sortValue)).append("\">")
        .append(esc(text)).append("</td>");
  }

  // ---- quarantine --------------------------------------------------------------------------------

  /** Reason code -> what it means, for the charts' labels: from the enum, so no page copies it. */
  public static Map<String, String> rejectReasons() {
    Map<String, String> reasons = new LinkedHashMap<>();
    for (RejectReason r : RejectReason.values()) {
      reasons.put(r.code(), r.meaning());
    }
    return reasons;
  }

  /** What a reason code means; empty for a code from a newer build than this one (the code shows alone). */
  public static String rejectMeaning(String code) {
    try {
      return RejectReason.fromCode(code).meaning();
    } catch (IllegalArgumentException | NullPointerException e) {
      return "";
    }
  }

  /**
   * The body of an opened quarantine section: the {@code quarantine} chart and a table of records
   * per reason, largest first, or a note that nothing was quarantined; closes the section.
   *
   * @param nothingHtml the note when every record passed (markup)
   */
  protected void quarantineByReason(Map<String, Long> byReason, String nothingHtml) {
    long total = byReason.values().stream().filter(Objects::nonNull).mapToLong(Long::longValue).sum();
    if (total == 0) {
      h.append("<p class=\"note ok\">").append(nothingHtml).append("</p>\n");
      close();
      return;
    }
    chart("quarantine", 60 + 30 * (int) byReason.values().stream().filter(v -> v != null && v > 0).count(),
        "Quarantine by reason");
    h.append("<table class=\"data compact\"><thead><tr><th>Reason</th><th>Meaning</th><th class=\"n\">Records</th>"
        + "<th class=\"n\">Share</th></tr></thead><tbody>\n");
    byReason.entrySet().stream()
        .filter(e -> e.getValue() != null && e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> h.append("<tr data-reason=\"").append(esc(e.getKey())).append("\"><td><code>").append(esc(e.getKey()))
            .append("</code></td><td class=\"muted\">").append(esc(rejectMeaning(e.getKey()))).append("</td><td class=\"n\">")
            .append(Fmt.count(e.getValue())).append("</td><td class=\"n\">")
            .append(Fmt.pct((double) e.getValue() / total)).append("</td></tr>\n"));
    h.append("</tbody></table>\n");
    close();
  }
}
