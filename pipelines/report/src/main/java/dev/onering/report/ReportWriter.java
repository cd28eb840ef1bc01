package dev.onering.report;

import dev.onering.pipeline.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Function;

/** Writes a report's report.json and report.html into its folder. */
public final class ReportWriter {
  private ReportWriter() {}

  public static final String JSON_FILE = "report.json";
  public static final String HTML_FILE = "report.html";

  /** Where the two files went. */
  public record Written(Path json, Path html) {}

  /**
   * Writes report.json first, so that if the page cannot be rendered the figures are still on
   * disk. Each file is written beside its final name and moved into place, so a reader (a browser
   * left open, a CI artefact upload) never sees half a file.
   *
   * @param page renders the report as a page, e.g. {@code HtmlReport::render}
   */
  public static <T> Written write(T report, Function<? super T, String> page, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path json = dir.resolve(JSON_FILE);
    writeJson(report, json);
    Path html = dir.resolve(HTML_FILE);
    replace(html, page.apply(report));
    return new Written(json, html);
  }

  /** Pretty JSON, replacing the file whole. */
  public static void writeJson(Object report, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    replace(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
  }

  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
