package dev.onering.cli.steps;

import dev.onering.cli.Settings;
import dev.onering.cli.StepContext;
import dev.onering.features.FeatureSpec;
import dev.onering.lake.LakeFiles;
import dev.onering.ml.Example;
import dev.onering.ml.Metrics;
import dev.onering.ml.ModelArtifacts;
import dev.onering.ml.TrainingReport;
import dev.onering.ml.mlflow.MlflowRegistry;
import dev.onering.ml.train.Trainer;
import dev.onering.pipeline.Json;
import dev.onering.spark.features.GoldToFeatures;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;

/**
 * The newest trained model into MLflow ({@link MlflowRegistry}): a run with its params, per-fold and
 * overall metrics and tags, the model as an MLflow model, a registered version of {@code onering},
 * and the alias {@code champion} moved to it only when it beats the current champion on this run's
 * holdout. Needs {@code ONERING_MLFLOW_URL}; the stack's ML DAG runs it, {@code make demo} does not.
 */
public final class RegisterStep implements PipelineStep {

  @Override
  public String id() {
    return "register";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    String url = ctx.settings().get(Settings.MLFLOW_URL);
    if (url == null) {
      return Outcome.failed("no MLflow server configured: set " + Settings.envName(Settings.MLFLOW_URL)
          + " (the stack: http://mlflow:5000; natively: make demo-ml prints it). Without one the model stays in "
          + ctx.lakeFiles().uri(ModelArtifacts.MODELS), Map.of());
    }
    LakeFiles files = ctx.lakeFiles();
    String dir = TrainStep.latestRunDir(files);
    TrainingReport report = Json.MAPPER.readValue(TrainStep.read(files, dir + "/" + ModelArtifacts.TRAINING_FILE),
        TrainingReport.class);
    byte[] model = TrainStep.read(files, dir + "/" + ModelArtifacts.MODEL_FILE);
    FeatureSpec spec = FeatureSpec.standard();
    Example[] holdout = TrainStep.examples(ctx.spark().read().parquet(files.uri(GoldToFeatures.TABLE)).collectAsList(), spec)
        .stream().filter(e -> !e.date().isBefore(report.holdout().testFrom()) && !e.date().isAfter(report.holdout().testTo()))
        .toArray(Example[]::new);
    if (holdout.length == 0) {
      return Outcome.failed("the feature table has no labelled row in the holdout " + report.holdout().testFrom() + " to "
          + report.holdout().testTo() + "; run features and train again", Map.of());
    }
    int[] y = Arrays.stream(holdout).mapToInt(Example::label).toArray();
    MlflowRegistry.Registration r;
    try (MlflowRegistry registry = new MlflowRegistry(url)) {
      Map<String, String> types = new LinkedHashMap<>();
      spec.features().forEach(c -> types.put(c.name(), c.type()));
      r = registry.register(report, types, model, xgboostVersion(), json -> {
        Booster b = XGBoost.loadModel(json);
        try {
          return Metrics.logLoss(Trainer.predict(b, holdout), y);
        } finally {
          b.dispose();
        }
      });
    }
    Map<String, Object> details = new LinkedHashMap<>(Json.MAPPER.convertValue(r, Map.class));
    details.put("tracking_url", url);
    details.put("model_dir", files.uri(dir));
    return Outcome.success(1, 1, 0, details);
  }

  /** xgboost4j's own record of its version, as MLflow's MLmodel file wants it. */
  static String xgboostVersion() {
    try (var in = XGBoost.class.getClassLoader().getResourceAsStream("xgboost4j-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      return text.contains("=") ? text.substring(text.indexOf('=') + 1).trim() : text;
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
