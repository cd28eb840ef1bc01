package dev.onering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.steps.PipelineStep;
import dev.onering.cli.steps.StepRequest;
import dev.onering.cli.steps.Steps;
import dev.onering.gold.DailyBar;
import dev.onering.instruments.ReferenceData;
import dev.onering.instruments.TradingCalendar;
import dev.onering.lake.Lake;
import dev.onering.ml.ModelArtifacts;
import dev.onering.ml.TrainingReport;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.StepResult;
import dev.onering.simulator.SimulationConfig;
import dev.onering.spark.gold.SilverToGold;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * features, train and drift as the runner calls them, on a small Gold in a local lake with embedded
 * Postgres. Drift runs a stand-in for Evidently's script (test resources: same arguments, same
 * files), so this checks the Java side's contract with it; the real script is tested in Python.
 */
class MlStepsTest {

  private static List<DailyBar> bars() {
    Random r = new Random(5);
    List<DailyBar> out = new ArrayList<>();
    Map<String, Double> px = new HashMap<>(Map.of("BTC-USDT", 60_000.0, "ETH-USDT", 3_000.0, "AAPL", 200.0));
    for (LocalDate d = LocalDate.of(2026, 6, 1); d.isBefore(LocalDate.of(2026, 8, 20)); d = d.plusDays(1)) {
      for (String s : List.of("BTC-USDT", "ETH-USDT", "AAPL")) {
        if (s.equals("AAPL") && !TradingCalendar.US_EQUITIES.isTradingDay(d)) {
          continue;
        }
        double c = px.merge(s, 0.0, (a, b) -> a * Math.exp(0.02 * r.nextGaussian()));
        out.add(new DailyBar(s, d, c, c * 1.01, c * 0.99, c, 100 + r.nextInt(50), c, 10L));
      }
    }
    return out;
  }

  private static StepResult run(StepContext ctx, String step) {
    return PipelineStep.run(Steps.get(step), ctx, new StepRequest(List.of(), "ml-test", SimulationConfig.defaults(), null, null));
  }

  @Test
  void featuresTrainAndDriftRunInOrderAndKeepTheirFiles(@TempDir Path dir) throws Exception {
    Lake lake = Lake.at(dir.resolve("lake"));
    Path venvs = Files.createDirectories(dir.resolve("venvs/evidently/bin"));
    Files.createSymbolicLink(venvs.resolve("python"), Path.of("/usr/bin/python3"));
    Path script = dir.resolve("standin_drift.py");
    try (var in = MlStepsTest.class.getResourceAsStream("/onering/drift/standin_drift.py")) {
      Files.copy(in, script);
    }
    Properties p = new Properties();
    p.setProperty(Settings.VENVS, dir.resolve("venvs").toString());
    p.setProperty(Settings.DRIFT_SCRIPT, script.toString());
    try (StepContext ctx = new StepContext(Settings.of(Map.of(Settings.LAKE, lake.root(), Settings.DATA_DIR, dir.resolve("data").toString()), p, Map.of()))) {
      assertThat(run(ctx, "drift").status()).as("no model yet: nothing to compare").isEqualTo(StepResult.Status.skipped);
      SilverToGold.write(ctx.tables(), SilverToGold.compute(bars(), List.of(), ReferenceData.standard()));
      assertThat(run(ctx, "migrate").succeeded()).isTrue();

      StepResult features = run(ctx, "features");
      assertThat(features.succeeded()).as(String.valueOf(features.error())).isTrue();
      StepResult again = run(ctx, "features");
      assertThat(again.rowsOut()).isEqualTo(features.rowsOut());
      try (Connection c = ctx.postgres().open(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT (symbol, trade_date)) FROM gold.features_daily")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(features.rowsOut()).isEqualTo(rs.getLong(2));
      }

      StepResult train = run(ctx, "train");
      assertThat(train.succeeded()).as(String.valueOf(train.error())).isTrue();
      JsonNode latest = Json.MAPPER.readTree(lake.path(ModelArtifacts.LATEST).toFile());
      Path modelDir = lake.path(latest.get("dir").asText());
      TrainingReport report = Json.MAPPER.readValue(modelDir.resolve("training.json").toFile(), TrainingReport.class);
      assertThat(report.folds()).hasSize(4);
      assertThat(Files.size(modelDir.resolve("model.json"))).isGreaterThan(1000);
      assertThat(train.details().get("verdict")).isEqualTo(report.verdict());

      StepResult drift = run(ctx, "drift");
      assertThat(drift.succeeded()).as(String.valueOf(drift.error())).isTrue();
      Path driftDir = lake.path(ModelArtifacts.driftDir("ml-test"));
      JsonNode args = Json.MAPPER.readTree(driftDir.resolve("drift.json").toFile()).get("args");
      assertThat(args.get("reference_start").asText()).isEqualTo(report.trainFrom().toString());
      assertThat(args.get("reference_end").asText()).isEqualTo(report.trainTo().toString());
      assertThat(LocalDate.parse(args.get("current_start").asText())).isAfter(report.trainTo());
      assertThat(args.get("current_end").asText()).isEqualTo("2026-08-19");
      assertThat(drift.details().get("drifted")).isEqualTo(1L);
      assertThat(Files.readString(driftDir.resolve("drift.html"))).contains("stand-in");
    }
  }

  @Test
  void aMissingEvidentlyVenvIsAFailureThatSaysToRunPySetup(@TempDir Path dir) throws Exception {
    // A model to compare with, so drift has work to do.
    Path latest = dir.resolve("lake").resolve(ModelArtifacts.LATEST);
    Files.createDirectories(latest.getParent());
    Files.writeString(latest, "{\"run_id\": \"x\", \"dir\": \"" + ModelArtifacts.runDir("x") + "\"}");
    Properties p = new Properties();
    p.setProperty(Settings.VENVS, dir.resolve("no-venvs").toString());
    try (StepContext ctx = new StepContext(Settings.of(Map.of(Settings.LAKE, dir.resolve("lake").toString(), Settings.DATA_DIR, dir.toString()), p, Map.of()))) {
      StepResult r = run(ctx, "drift");
      assertThat(r.status()).isEqualTo(StepResult.Status.failed);
      assertThat(r.error()).contains("evidently virtualenv is missing").contains("make py-setup");
    }
  }
}
