package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.lake.Lake;
import dev.onering.lake.LakeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Copies the CSV files of a folder, byte for byte, into {@code bronze/ohlcv_csv/ingest_date=D/}.
 * The folder is local or an s3a URI ({@code --csv-dir}, else {@code ONERING_CSV_DIR}; the stack's
 * is the MinIO landing bucket). Importing again on the same date replaces that date's copy. A file
 * that cannot be read is reported and skipped; the others still land.
 */
public final class IngestCsvStep implements PipelineStep {

  @Override
  public String id() {
    return "ingest-csv";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws IOException {
    String source = request.csvSource();
    if (source == null || source.isBlank()) {
      return Outcome.skipped("no CSV folder given (--csv-dir, ONERING_CSV_DIR or csv.dir in the --config file)");
    }
    Lake sourceRoot = Lake.at(source);
    if (sourceRoot.isLocal() && !Files.isDirectory(sourceRoot.path(""))) {
      return Outcome.failed("the CSV folder " + Path.of(source).toAbsolutePath() + " does not exist; pass --csv-dir "
          + "(or set ONERING_CSV_DIR) with a folder of daily OHLCV files (date,open,high,low,close,volume)", Map.of());
    }
    LakeFiles from = ctx.filesAt(sourceRoot);
    List<String> csvFiles = from.list("", "").stream()
        .filter(f -> f.toLowerCase(Locale.ROOT).endsWith(".csv")).toList();
    if (csvFiles.isEmpty() && !sourceRoot.isLocal()) {
      // An object store has no empty folders: nothing dropped yet looks the same as no prefix.
      return Outcome.skipped("no .csv files under " + source + " yet; drop daily OHLCV files there");
    }
    LocalDate date = request.runDate() != null ? request.runDate() : LocalDate.now(java.time.ZoneOffset.UTC);
    LakeFiles lake = ctx.lakeFiles();
    String target = Lake.BRONZE_OHLCV_CSV + "/ingest_date=" + date;
    lake.delete(target);
    List<String> copied = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    long bytes = 0;
    for (String f : csvFiles) {
      try (InputStream in = from.open(f); OutputStream out = lake.create(target + "/" + f)) {
        bytes += in.transferTo(out);
        copied.add(f);
      } catch (IOException | UncheckedIOException e) {
        lake.delete(target + "/" + f); // never a half-copied file in Bronze
        String msg = from.uri(f) + ": cannot be read (" + e.getMessage() + "); fix its permissions and import again";
        errors.add(msg);
        Progress.info(msg);
      }
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("source", source);
    details.put("ingest_date", date.toString());
    details.put("files", copied);
    details.put("bytes", bytes);
    details.put("errors", errors);
    return Outcome.success(copied.size() + errors.size(), copied.size(), errors.size(), details);
  }
}
