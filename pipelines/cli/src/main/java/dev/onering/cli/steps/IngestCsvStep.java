package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies the CSV files of a folder, byte for byte, into {@code bronze/ohlcv_csv/ingest_date=D/}.
 * Importing again on the same date replaces that date's copy. A file that cannot be read is
 * reported and skipped; the others still land.
 */
public final class IngestCsvStep implements PipelineStep {

  @Override
  public String id() {
    return "ingest-csv";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws IOException {
    Path source = request.csvSource();
    if (source == null) {
      return Outcome.skipped("no CSV folder given (--csv-dir)");
    }
    if (!Files.isDirectory(source)) {
      return Outcome.failed("the CSV folder " + source.toAbsolutePath() + " does not exist; pass --csv-dir with a folder of "
          + "daily OHLCV files (date,open,high,low,close,volume)", Map.of());
    }
    LocalDate date = request.runDate() != null ? request.runDate() : LocalDate.now(java.time.ZoneOffset.UTC);
    Path target = ctx.lake().path(Lake.BRONZE_OHLCV_CSV + "/ingest_date=" + date);
    if (Files.exists(target)) {
      try (Stream<Path> old = Files.walk(target)) {
        for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(target);
    List<String> copied = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    long bytes = 0;
    try (Stream<Path> files = Files.list(source)) {
      for (Path f : files.sorted().toList()) {
        if (!f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
          continue;
        }
        try {
          Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          copied.add(f.getFileName().toString());
          bytes += Files.size(f);
        } catch (IOException e) {
          String msg = f + ": cannot be read (" + e.getMessage() + "); fix its permissions and import again";
          errors.add(msg);
          Progress.info(msg);
        }
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("ingest_date", date.toString());
    details.put("files", copied);
    details.put("bytes", bytes);
    details.put("errors", errors);
    return Outcome.success(copied.size() + errors.size(), copied.size(), errors.size(), details);
  }
}
