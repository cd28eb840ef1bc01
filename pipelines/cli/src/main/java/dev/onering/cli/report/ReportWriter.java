package dev.onering.cli.report;

import dev.onering.pipeline.Json;
import dev.onering.pipeline.RunReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes a run's report.json and report.html into its run folder. */
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
   */
  public static Written write(RunReport report, Path runDir) throws IOException {
    Files.createDirectories(runDir);
    Path json = runDir.resolve(JSON_FILE);
    replace(json, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    Path html = runDir.resolve(HTML_FILE);
    replace(html, HtmlReport.render(report));
    return new Written(json, html);
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
