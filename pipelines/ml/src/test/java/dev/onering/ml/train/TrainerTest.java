package dev.onering.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.onering.ml.Example;
import dev.onering.ml.Metrics;
import dev.onering.ml.TrainingReport;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.XGBoost;
import org.junit.jupiter.api.Test;

class TrainerTest {

  static final List<String> FEATURES = List.of("signal", "zscore_20", "noise");
  static final LocalDate D0 = LocalDate.of(2026, 1, 1);

  /** 8 symbols x 120 days. With {@code informative}, the label follows "signal"; otherwise it is a coin toss. */
  static List<Example> rows(boolean informative, long seed) {
    Random r = new Random(seed);
    List<Example> out = new ArrayList<>();
    for (int s = 0; s < 8; s++) {
      for (int d = 0; d < 120; d++) {
        double signal = r.nextGaussian();
        double z = r.nextGaussian() * 1.5;
        int label = informative ? (signal + 0.3 * r.nextGaussian() > 0 ? 1 : 0) : (r.nextBoolean() ? 1 : 0);
        out.add(new Example("S" + s, D0.plusDays(d), D0.plusDays(d + 5),
            new double[] {signal, d % 17 == 0 ? Double.NaN : z, r.nextGaussian()}, label));
      }
    }
    return out;
  }

  private static Trainer trainer() {
    return new Trainer(FEATURES, "label", "test label", 5);
  }

  @Test
  void aModelWithSignalBeatsBothBaselinesAndTheVerdictSaysSo() throws Exception {
    Trainer.Result r = trainer().train(rows(true, 1), 960, "onering", "t1");
    TrainingReport t = r.report();
    assertThat(t.folds()).hasSize(Trainer.FOLDS);
    assertThat(t.overall().model().auc()).isGreaterThan(0.85);
    assertThat(t.beatsBaselines()).isTrue();
    assertThat(t.verdict()).startsWith("The model beats both baselines");
    assertThat(t.importance().get(0).feature()).isEqualTo("signal");
    assertThat(t.importance().stream().mapToDouble(TrainingReport.Importance::gainShare).sum()).isCloseTo(1.0, within(1e-9));
    assertThat(t.holdout()).isEqualTo(t.folds().get(t.folds().size() - 1));
    assertThat(t.trainTo()).isBefore(t.holdout().testFrom());
    assertThat(t.calibration().stream().mapToInt(dev.onering.ml.Calibration.Bin::count).sum()).isEqualTo(t.overall().rows());
  }

  @Test
  void onNoiseTheReportSaysTheModelDoesNotBeatTheBaselines() throws Exception {
    TrainingReport t = trainer().train(rows(false, 2), 960, "onering", "t2").report();
    assertThat(t.beatsBaselines()).isFalse();
    assertThat(t.verdict()).startsWith("The model does NOT beat both baselines");
  }

  @Test
  void theSameRowsGiveTheSameModelBitForBit() throws Exception {
    byte[] a = trainer().train(rows(true, 3), 960, "onering", "a").modelJson();
    byte[] b = trainer().train(rows(true, 3), 960, "onering", "b").modelJson();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void theSavedJsonPredictsWhatTheTrainedBoosterDoes() throws Exception {
    Trainer.Result r = trainer().train(rows(true, 4), 960, "onering", "t4");
    Example[] probe = rows(true, 5).subList(0, 50).toArray(Example[]::new);
    Booster loaded = XGBoost.loadModel(r.modelJson());
    assertThat(Trainer.predict(loaded, probe)).containsExactly(Trainer.predict(r.booster(), probe));
    assertThat(loaded.getFeatureNames()).containsExactlyElementsOf(FEATURES);
  }

  /** The baselines, recomputed by hand for the last fold. */
  @Test
  void baselineScoresAreTheRulesAsStated() throws Exception {
    List<Example> rows = rows(true, 6);
    TrainingReport t = trainer().train(rows, 960, "onering", "t6").report();
    TrainingReport.FoldResult h = t.holdout();
    List<Example> train = rows.stream().filter(e -> e.labelEnd().isBefore(h.testFrom())).toList();
    List<Example> test = rows.stream().filter(e -> !e.date().isBefore(h.testFrom()) && !e.date().isAfter(h.testTo())).toList();
    assertThat(h.trainRows()).isEqualTo(train.size());
    double rate = train.stream().mapToInt(Example::label).average().orElseThrow();
    int[] y = test.stream().mapToInt(Example::label).toArray();
    double majorityRight = test.stream().filter(e -> (e.label() == 1) == (rate >= 0.5)).count() / (double) test.size();
    assertThat(h.majority().accuracy()).isCloseTo(majorityRight, within(1e-12));
    assertThat(h.majority().auc()).isEqualTo(0.5);
    double[] constant = new double[y.length];
    java.util.Arrays.fill(constant, rate);
    assertThat(h.majority().logLoss()).isCloseTo(Metrics.logLoss(constant, y), within(1e-12));
    long zRight = test.stream().filter(e -> {
      double z = e.x()[1];
      boolean call = !Double.isNaN(z) && Math.abs(z) > 2;
      return call == (e.label() == 1);
    }).count();
    assertThat(h.zRule().accuracy()).isCloseTo(zRight / (double) test.size(), within(1e-12));
  }
}
