package dev.onering.cli.steps;

import dev.onering.cli.Progress;
import dev.onering.cli.StepContext;
import dev.onering.features.FeatureSpec;
import dev.onering.lake.LakeFiles;
import dev.onering.ml.Example;
import dev.onering.ml.ModelArtifacts;
import dev.onering.ml.TrainingReport;
import dev.onering.ml.train.Trainer;
import dev.onering.pipeline.Json;
import dev.onering.spark.features.GoldToFeatures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Trains the model on the lake's feature table ({@link Trainer}) and keeps it beside its report in
 * the gold zone: {@code gold/ml/models/onering/<run-id>/model.json} (XGBoost JSON) and
 * {@code training.json}, then {@code latest.json} naming them, written last. MLflow is the register
 * step's business; this step needs no server.
 */
public final class TrainStep implements PipelineStep {

  @Override
  public String id() {
    return "train";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) throws Exception {
    FeatureSpec spec = FeatureSpec.standard();
    LakeFiles files = ctx.lakeFiles();
    if (!files.exists(GoldToFeatures.TABLE)) {
      return Outcome.failed("no feature table at " + files.uri(GoldToFeatures.TABLE) + "; run the features step first",
          Map.of());
    }
    List<Row> table = ctx.spark().read().parquet(files.uri(GoldToFeatures.TABLE)).collectAsList();
    List<Example> labelled = examples(table, spec);
    long dates = labelled.stream().map(Example::date).distinct().count();
    int needed = dev.onering.ml.WalkForward.minimumDates(Trainer.FOLDS, Trainer.INITIAL_SHARE);
    if (dates < needed) {
      // A short dataset is not an error of the run: there is nothing to learn from yet.
      return Outcome.skipped(String.format("the feature table has %d labelled dates (a row needs %d days of history "
          + "and %d after it); walk-forward with %d folds needs %d: generate more days (onering run --days 60)", dates,
          dev.onering.gold.GoldMetrics.SMA_WINDOW, spec.label().horizonDays(), Trainer.FOLDS, needed));
    }
    Progress.update(String.format("training on %,d labelled rows of %,d", labelled.size(), table.size()));
    Trainer.Result result = new Trainer(spec.featureNames(), spec.label().name(), spec.label().description(),
        spec.label().horizonDays()).train(labelled, table.size(), ModelArtifacts.MODEL_NAME, request.runId());
    TrainingReport report = result.report();
    result.booster().dispose();
    String dir = ModelArtifacts.runDir(request.runId());
    write(files, dir + "/" + ModelArtifacts.MODEL_FILE, result.modelJson());
    write(files, dir + "/" + ModelArtifacts.TRAINING_FILE, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(report));
    write(files, ModelArtifacts.LATEST, Json.MAPPER.writeValueAsBytes(Map.of("run_id", request.runId(), "dir", dir)));
    Progress.info(report.verdict());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("model", files.uri(dir + "/" + ModelArtifacts.MODEL_FILE));
    details.put("training_report", files.uri(dir + "/" + ModelArtifacts.TRAINING_FILE));
    details.put("folds", report.folds().size());
    details.put("holdout", report.holdout().testFrom() + " to " + report.holdout().testTo());
    details.put("overall", report.overall());
    details.put("beats_baselines", report.beatsBaselines());
    details.put("verdict", report.verdict());
    return Outcome.success(table.size(), labelled.size(), 0, details);
  }

  /**
   * The labelled rows as the trainer takes them, with each row's label end: the date
   * {@code horizon_days} rows later in its symbol's own series, so the purge counts trading days.
   */
  static List<Example> examples(List<Row> table, FeatureSpec spec) {
    Map<String, List<Row>> bySymbol = new TreeMap<>();
    for (Row r : table) {
      bySymbol.computeIfAbsent(r.getAs("symbol"), k -> new ArrayList<>()).add(r);
    }
    int h = spec.label().horizonDays();
    List<String> features = spec.featureNames();
    List<Example> out = new ArrayList<>();
    for (List<Row> rows : bySymbol.values()) {
      rows.sort(Comparator.comparing(r -> r.<LocalDate>getAs("trade_date")));
      for (int i = 0; i + h < rows.size(); i++) {
        Row r = rows.get(i);
        Object label = r.getAs(spec.label().name());
        if (label == null) {
          continue;
        }
        double[] x = new double[features.size()];
        for (int j = 0; j < x.length; j++) {
          Object v = r.getAs(features.get(j));
          x[j] = v == null ? Double.NaN : ((Number) v).doubleValue();
        }
        out.add(new Example(r.getAs("symbol"), r.getAs("trade_date"), rows.get(i + h).getAs("trade_date"), x,
            ((Number) label).intValue()));
      }
    }
    return out;
  }

  static void write(LakeFiles files, String path, byte[] bytes) throws IOException {
    try (OutputStream out = files.create(path)) {
      out.write(bytes);
    }
  }

  static byte[] read(LakeFiles files, String path) throws IOException {
    try (InputStream in = files.open(path)) {
      return in.readAllBytes();
    }
  }

  /** The newest training run's folder, from latest.json. */
  static String latestRunDir(LakeFiles files) throws IOException {
    if (!files.exists(ModelArtifacts.LATEST)) {
      throw new IllegalStateException("no trained model at " + files.uri(ModelArtifacts.LATEST) + "; run the train step first");
    }
    return Json.MAPPER.readTree(read(files, ModelArtifacts.LATEST)).get("dir").asText();
  }

  public static TrainingReport latestReport(LakeFiles files) throws IOException {
    return Json.MAPPER.readValue(read(files, latestRunDir(files) + "/" + ModelArtifacts.TRAINING_FILE), TrainingReport.class);
  }
}
