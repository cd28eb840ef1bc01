package dev.onering.cli.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.Progress;
import dev.onering.cli.Settings;
import dev.onering.cli.StepContext;
import dev.onering.lake.LakeFiles;
import dev.onering.ml.DriftReport;
import dev.onering.ml.ModelArtifacts;
import dev.onering.ml.TrainingReport;
import dev.onering.pipeline.Json;
import dev.onering.spark.features.GoldToFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Feature drift with Evidently: the reference is the newest model's training window, the current
 * window every day after it (the days the model never saw). The Evidently script
 * ({@code platform/ml/drift/drift.py}) runs in its own virtualenv ({@code .cache/venvs/evidently},
 * made by {@code make py-setup}); this step runs it, keeps its report with the run (the lake's
 * {@code gold/ml/drift/<run-id>/}) and reads its per-feature table into the result.
 *
 * <p>The script's contract: {@code --features DIR --reference-start D --reference-end D
 * --current-start D --current-end D --out DIR}, writing {@code drift.html}, {@code drift.json}
 * (Evidently's own) and {@code drift_table.json}, one object per feature with {@code name},
 * {@code drift_score}, {@code stattest} and {@code drifted}.
 */
public final class DriftStep implements PipelineStep {

  public static final String VENV = "evidently";
  public static final List<String> OUTPUTS = List.of("drift.html", "drift.json", "drift_table.json");
  static final long TIMEOUT_MINUTES = 10;

  @Override
  public String id() {
    return "drift";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    Settings settings = ctx.settings();
    LakeFiles files = ctx.lakeFiles();
    if (!files.exists(ModelArtifacts.LATEST)) {
      return Outcome.skipped("no trained model yet (" + files.uri(ModelArtifacts.LATEST) + "): drift compares the days "
          + "after a model's training window with it; run train first");
    }
    Path python = settings.pathUnderHome(Settings.VENVS, Settings.VENVS_DEFAULT).resolve(VENV + "/bin/python");
    Path script = settings.pathUnderHome(Settings.DRIFT_SCRIPT, Settings.DRIFT_SCRIPT_DEFAULT);
    if (!Files.isExecutable(python)) {
      return Outcome.failed("the " + VENV + " virtualenv is missing (no " + python + "): run `make py-setup` "
          + "(or ops/scripts/py-setup.sh " + VENV + "), or point " + Settings.envName(Settings.VENVS)
          + " at the folder that holds it", Map.of());
    }
    if (!Files.isRegularFile(script)) {
      return Outcome.failed("the drift script " + script + " is missing; set " + Settings.envName(Settings.DRIFT_SCRIPT)
          + " to Evidently's drift.py", Map.of());
    }
    TrainingReport training = TrainStep.latestReport(files);
    List<LocalDate> dates = ctx.spark().read().parquet(files.uri(GoldToFeatures.TABLE)).select("trade_date").distinct()
        .collectAsList().stream().map(r -> r.<LocalDate>getAs(0)).sorted().toList();
    List<LocalDate> current = dates.stream().filter(d -> d.isAfter(training.trainTo())).toList();
    if (current.isEmpty()) {
      return Outcome.skipped("no day after the training window (" + training.trainTo() + ") to compare with it");
    }
    Path work = Files.createTempDirectory("onering-drift");
    try {
      Path features = localFeatures(ctx, work);
      Path out = work.resolve("out");
      List<String> cmd = List.of(python.toString(), script.toString(), "--features", features.toString(),
          "--reference-start", training.trainFrom().toString(), "--reference-end", training.trainTo().toString(),
          "--current-start", current.get(0).toString(), "--current-end", current.get(current.size() - 1).toString(),
          "--out", out.toString());
      Progress.update("Evidently: " + training.trainFrom() + ".." + training.trainTo() + " against " + current.get(0)
          + ".." + current.get(current.size() - 1));
      String log = run(cmd, work.resolve("drift.log"));
      for (String f : OUTPUTS) {
        if (!Files.isRegularFile(out.resolve(f))) {
          return Outcome.failed(script + " ended without writing " + f + " in " + out + "; its output:\n" + log, Map.of());
        }
      }
      List<DriftReport.Feature> table = readTable(out.resolve("drift_table.json"));
      String dir = ModelArtifacts.driftDir(request.runId());
      for (String f : OUTPUTS) {
        TrainStep.write(files, dir + "/" + f, Files.readAllBytes(out.resolve(f)));
      }
      DriftReport report = new DriftReport(training.trainFrom(), training.trainTo(), current.get(0),
          current.get(current.size() - 1), (int) dates.stream().filter(d -> !d.isBefore(training.trainFrom())
              && !d.isAfter(training.trainTo())).count(), current.size(), table, files.uri(dir + "/drift.html"));
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("report", Json.MAPPER.convertValue(report, Map.class));
      details.put("drifted", report.drifted());
      details.put("files", files.uri(dir));
      return Outcome.success(table.size(), table.size(), 0, details);
    } finally {
      try (Stream<Path> walk = Files.walk(work)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The feature table as local files: the lake's own folder, or a copy of an s3a one. */
  private static Path localFeatures(StepContext ctx, Path work) throws IOException {
    if (ctx.lake().isLocal()) {
      return ctx.lake().path(GoldToFeatures.TABLE);
    }
    LakeFiles files = ctx.lakeFiles();
    Path dir = Files.createDirectories(work.resolve("features_daily"));
    for (String f : files.list(GoldToFeatures.TABLE, ".parquet")) {
      try (InputStream in = files.open(f)) {
        Files.copy(in, dir.resolve(Path.of(f).getFileName().toString()));
      }
    }
    return dir;
  }

  private static String run(List<String> cmd, Path logFile) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException("the drift script ran longer than " + TIMEOUT_MINUTES + " minutes and was stopped");
    }
    String log = Files.readString(logFile);
    if (p.exitValue() != 0) {
      throw new IOException("the drift script exited " + p.exitValue() + ": " + tail(log));
    }
    return tail(log);
  }

  private static String tail(String log) {
    return log.length() > 2000 ? "..." + log.substring(log.length() - 2000) : log;
  }

  /** drift_table.json: a list of features, or an object holding one under "features". */
  static List<DriftReport.Feature> readTable(Path file) throws IOException {
    JsonNode root = Json.MAPPER.readTree(file.toFile());
    JsonNode list = root.isArray() ? root : root.path("features");
    if (!list.isArray()) {
      throw new IOException(file + " is not a list of features (name, drift_score, stattest, drifted)");
    }
    List<DriftReport.Feature> out = new ArrayList<>();
    for (JsonNode n : list) {
      String name = text(n, "name", "feature", "column");
      if (name == null) {
        throw new IOException(file + ": a feature without a name: " + n);
      }
      JsonNode score = first(n, "drift_score", "score");
      out.add(new DriftReport.Feature(name, score == null || !score.isNumber() ? null : score.asDouble(),
          text(n, "stattest", "stattest_name", "method"), first(n, "drifted", "drift_detected") != null
              && first(n, "drifted", "drift_detected").asBoolean()));
    }
    return out;
  }

  private static JsonNode first(JsonNode n, String... names) {
    for (String name : names) {
      if (n.hasNonNull(name)) {
        return n.get(name);
      }
    }
    return null;
  }

  private static String text(JsonNode n, String... names) {
    JsonNode v = first(n, names);
    return v == null ? null : v.asText();
  }
}
