package dev.onering.ml.mlflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.ml.Example;
import dev.onering.ml.Metrics;
import dev.onering.ml.TrainingReport;
import dev.onering.ml.train.Trainer;
import dev.onering.pipeline.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real MLflow 3 server: register, the champion rule, and Python loading what Java trained. */
class MlflowRegistryTest {

  static final List<String> FEATURES = List.of("signal", "zscore_20", "noise", "day_of_week");
  static final java.util.Map<String, String> TYPES = new java.util.LinkedHashMap<>(java.util.Map.of());

  static {
    FEATURES.forEach(f -> TYPES.put(f, f.equals("day_of_week") ? "int" : "double"));
  }
  static final LocalDate D0 = LocalDate.of(2026, 1, 1);
  static final String XGB = "3.4.0";

  @TempDir static Path dir;
  static MlflowServer server;

  @BeforeAll
  static void start() throws Exception {
    server = MlflowServer.start(dir.resolve("mlflow"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  /** 6 symbols x 80 days; with {@code informative} the label follows "signal", else a coin toss. */
  static List<Example> rows(boolean informative, long seed) {
    Random r = new Random(seed);
    List<Example> out = new ArrayList<>();
    for (int s = 0; s < 6; s++) {
      for (int d = 0; d < 80; d++) {
        double signal = r.nextGaussian();
        int label = informative ? (signal + 0.5 * r.nextGaussian() > 0 ? 1 : 0) : (r.nextBoolean() ? 1 : 0);
        LocalDate date = D0.plusDays(d);
        out.add(new Example("S" + s, date, date.plusDays(5), new double[] {signal,
            d % 13 == 0 ? Double.NaN : 1.5 * r.nextGaussian(), r.nextGaussian(), date.getDayOfWeek().getValue()}, label));
      }
    }
    return out;
  }

  static MlflowRegistry.HoldoutScorer scorerOn(List<Example> rows, TrainingReport report) {
    Example[] holdout = rows.stream().filter(e -> !e.date().isBefore(report.holdout().testFrom())
        && !e.date().isAfter(report.holdout().testTo())).toArray(Example[]::new);
    int[] y = java.util.Arrays.stream(holdout).mapToInt(Example::label).toArray();
    return json -> {
      Booster b = XGBoost.loadModel(json);
      try {
        return Metrics.logLoss(Trainer.predict(b, holdout), y);
      } finally {
        b.dispose();
      }
    };
  }

  @Test
  void aBetterModelBecomesChampionAWorseOneDoesNotAndPythonPredictsWhatJavaDoes() throws Exception {
    Trainer trainer = new Trainer(FEATURES, "label", "test label", 5);
    List<Example> rows = rows(true, 1);
    Trainer.Result good = trainer.train(rows, rows.size(), "onering", "good");
    List<Example> noise = rows(false, 2);
    Trainer.Result bad = trainer.train(noise, noise.size(), "onering", "bad");
    try (MlflowRegistry registry = new MlflowRegistry(server.url)) {
      MlflowRegistry.Registration first = registry.register(good.report(), TYPES, good.modelJson(), XGB,
          scorerOn(rows, good.report()));
      assertThat(first.promoted()).isTrue();
      assertThat(first.championBefore()).isNull();
      // Judged on the good run's holdout, the noise model loses and the alias stays.
      MlflowRegistry.Registration second = registry.register(bad.report(), TYPES, bad.modelJson(), XGB,
          scorerOn(rows, good.report()));
      assertThat(second.promoted()).isFalse();
      assertThat(second.championBefore()).isEqualTo(first.version());
      assertThat(second.championHoldoutLogLoss()).isCloseTo(first.holdoutLogLoss(), within(1e-12));
      assertThat(registry.champion().path("version").asText()).isEqualTo(first.version());

      // What the run holds: per-fold metrics as steps, the overall ones, params and tags.
      JsonNode run = Json.MAPPER.readTree(new org.mlflow.tracking.MlflowClient(server.url).sendGet(
          "runs/get?run_id=" + first.runId())).path("run");
      List<String> metricKeys = new ArrayList<>();
      run.path("data").path("metrics").forEach(m -> metricKeys.add(m.path("key").asText()));
      assertThat(metricKeys).contains("overall.model.auc", "overall.z_rule.log_loss", "overall.majority.accuracy",
          "fold.model.log_loss", "holdout_log_loss");
      List<String> params = new ArrayList<>();
      run.path("data").path("params").forEach(p -> params.add(p.path("key").asText()));
      assertThat(params).contains("max_depth", "eta", "seed", "features", "holdout_from");
    }

    // Python: the champion through MLflow's own loader, on rows with a missing value and an int column.
    Example[] probe = rows(true, 9).subList(0, 40).toArray(Example[]::new);
    Path csv = dir.resolve("probe.csv");
    StringBuilder b = new StringBuilder(String.join(",", FEATURES)).append('\n');
    for (Example e : probe) {
      for (int j = 0; j < FEATURES.size(); j++) {
        double v = e.x()[j];
        b.append(j == 0 ? "" : ",").append(Double.isNaN(v) ? "" : j == 3 ? String.valueOf((int) v)
            : String.format(Locale.ROOT, "%.17g", v));
      }
      b.append('\n');
    }
    Files.writeString(csv, b);
    Path out = dir.resolve("python.json");
    ProcessBuilder pb = new ProcessBuilder(server.venv.resolve("bin/python").toString(), "-c", String.join("\n",
        "import json, sys, mlflow, pandas as pd",
        "df = pd.read_csv(sys.argv[1])",
        "assert str(df['day_of_week'].dtype) == 'int64'",
        "m = mlflow.pyfunc.load_model('models:/onering@champion')",
        "json.dump([float(v) for v in m.predict(df)], open(sys.argv[2], 'w'))"), csv.toString(), out.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("python.log").toFile());
    pb.environment().put("MLFLOW_TRACKING_URI", server.url);
    Process p = pb.start();
    // Importing mlflow and xgboost took minutes on a 2-core machine shared with other builds.
    assertThat(p.waitFor(15, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("python.log"))).isZero();
    double[] python = Json.MAPPER.readValue(out.toFile(), double[].class);
    double[] java = Trainer.predict(good.booster(), probe);
    assertThat(python).hasSize(java.length);
    for (int i = 0; i < java.length; i++) {
      assertThat(python[i]).as("row %d", i).isCloseTo(java[i], within(1e-6));
    }
  }
}
