package dev.onering.ml.train;

import dev.onering.ml.Calibration;
import dev.onering.ml.Example;
import dev.onering.ml.Metrics;
import dev.onering.ml.TrainingReport;
import dev.onering.ml.WalkForward;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains XGBoost on the feature table by walk-forward folds (see {@link WalkForward}) and scores
 * every fold against the baselines. The model kept is the last fold's: it never saw the holdout, so
 * it can be compared with the current champion on it.
 *
 * <p>The hyperparameters are fixed a priori ({@link #PARAMS}): small, shallow trees for a few
 * thousand rows, chosen before looking at any result and never tuned to the simulator (whose
 * settings this code does not read). One thread and a fixed seed make a run repeatable bit for bit.
 */
public final class Trainer {

  /** Chosen before the first run and never tuned: see docs/ml.md. */
  public static final Map<String, Object> PARAMS = params();
  public static final int ROUNDS = 150;
  public static final int SEED = 42;
  public static final int FOLDS = 4;
  /** The first half of the labelled dates only ever trains. */
  public static final double INITIAL_SHARE = 0.5;
  /** The baselines' column: the z-score rule bets on it. */
  public static final String ZSCORE = "zscore_20";

  private static Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("objective", "binary:logistic");
    p.put("eval_metric", "logloss");
    p.put("tree_method", "hist");
    p.put("max_depth", 3);
    p.put("eta", 0.05);
    p.put("min_child_weight", 5);
    p.put("subsample", 0.8);
    p.put("colsample_bytree", 0.8);
    p.put("lambda", 1.0);
    p.put("seed", SEED);
    p.put("nthread", 1);
    p.put("verbosity", 0);
    return java.util.Collections.unmodifiableMap(p);
  }

  /** What training produced: the report, and the model as XGBoost JSON. */
  public record Result(TrainingReport report, byte[] modelJson, Booster booster) {}

  private final List<String> features;
  private final String label;
  private final String labelDefinition;
  private final int horizonDays;
  private final int zIndex;

  public Trainer(List<String> features, String label, String labelDefinition, int horizonDays) {
    this.features = List.copyOf(features);
    this.label = label;
    this.labelDefinition = labelDefinition;
    this.horizonDays = horizonDays;
    this.zIndex = this.features.indexOf(ZSCORE);
    if (zIndex < 0) {
      throw new IllegalArgumentException("the z-score baseline needs the feature " + ZSCORE + " in features.yaml; got " + features);
    }
  }

  /**
   * @param rows every row of the feature table, labelled or not (only labelled ones train)
   */
  /**
   * @param labelled the feature table's rows that have a label
   * @param allRows how many rows the table has in all, labelled or not, for the report
   */
  public Result train(List<Example> labelled, int allRows, String modelName, String runId) throws XGBoostError {
    List<Example> rows = new ArrayList<>(labelled);
    rows.sort(Comparator.comparing(Example::date).thenComparing(Example::symbol));
    List<WalkForward.Fold> folds = WalkForward.folds(rows, FOLDS, INITIAL_SHARE);
    List<TrainingReport.FoldResult> results = new ArrayList<>();
    List<Baselines.Predictions> model = new ArrayList<>();
    List<Baselines.Predictions> majority = new ArrayList<>();
    List<Baselines.Predictions> zRule = new ArrayList<>();
    List<int[]> labels = new ArrayList<>();
    Booster last = null;
    for (WalkForward.Fold f : folds) {
      Example[] train = pick(rows, f.train());
      Example[] test = pick(rows, f.test());
      double trainRate = train.length == 0 ? 0 : Baselines.baseRate(train);
      if (trainRate == 0 || trainRate == 1) {
        throw new IllegalArgumentException("fold " + f.index() + " (testing " + f.testFrom() + " to " + f.testTo()
            + ") has " + train.length + " training rows of a single class; the feature table is too short to train on."
            + " Generate more days (onering run --days N)");
      }
      if (last != null) {
        last.dispose();
      }
      last = fit(train);
      int[] y = Baselines.labels(test);
      Baselines.Predictions m = Baselines.Predictions.ofProbabilities(predict(last, test));
      Baselines.Predictions maj = Baselines.majority(train, test);
      Baselines.Predictions z = Baselines.zRule(train, test, zIndex);
      results.add(new TrainingReport.FoldResult(f.index(), f.trainFrom(), f.trainTo(), f.testFrom(), f.testTo(),
          train.length, test.length, f.purged(), Baselines.baseRate(test), m.scores(y), maj.scores(y), z.scores(y)));
      model.add(m);
      majority.add(maj);
      zRule.add(z);
      labels.add(y);
    }
    int[] y = labels.stream().flatMapToInt(Arrays::stream).toArray();
    Baselines.Predictions oof = Baselines.Predictions.concat(model);
    TrainingReport.Comparison overall = new TrainingReport.Comparison(y.length, Arrays.stream(y).average().orElse(0),
        oof.scores(y), Baselines.Predictions.concat(majority).scores(y), Baselines.Predictions.concat(zRule).scores(y));
    WalkForward.Fold lastFold = folds.get(folds.size() - 1);
    boolean beats = overall.model().logLoss() < Math.min(overall.majority().logLoss(), overall.zRule().logLoss())
        && overall.model().auc() > Math.max(overall.majority().auc(), overall.zRule().auc());
    TrainingReport report = new TrainingReport(modelName, Instant.now(), runId, label, labelDefinition, horizonDays,
        features, PARAMS_WITH_ROUNDS, allRows, rows.size(), Baselines.baseRate(rows.toArray(Example[]::new)),
        rows.get(0).date(), rows.get(rows.size() - 1).date(), results, overall, results.get(results.size() - 1),
        lastFold.trainFrom(), lastFold.trainTo(), importance(last), Calibration.bins(oof.p(), y, Calibration.BINS),
        beats, verdict(overall, beats));
    return new Result(report, last.toByteArray("json"), last);
  }

  private static final Map<String, Object> PARAMS_WITH_ROUNDS = withRounds();

  private static Map<String, Object> withRounds() {
    Map<String, Object> p = new LinkedHashMap<>(PARAMS);
    p.put("num_boost_round", ROUNDS);
    p.put("folds", FOLDS);
    p.put("initial_train_share", INITIAL_SHARE);
    return java.util.Collections.unmodifiableMap(p);
  }

  static String verdict(TrainingReport.Comparison o, boolean beats) {
    String figures = String.format(java.util.Locale.ROOT,
        "out of fold, the model's AUC is %.3f and log loss %.4f; majority class %.3f / %.4f; z-score rule %.3f / %.4f",
        o.model().auc(), o.model().logLoss(), o.majority().auc(), o.majority().logLoss(), o.zRule().auc(),
        o.zRule().logLoss());
    return (beats ? "The model beats both baselines: " : "The model does NOT beat both baselines: ") + figures + ".";
  }

  Booster fit(Example[] train) throws XGBoostError {
    DMatrix m = matrix(train);
    try {
      return XGBoost.train(m, PARAMS, ROUNDS, Map.of(), null, null);
    } finally {
      m.dispose();
    }
  }

  public static double[] predict(Booster b, Example[] rows) throws XGBoostError {
    DMatrix m = matrixOf(rows, null);
    try {
      float[][] out = b.predict(m);
      double[] p = new double[out.length];
      for (int i = 0; i < out.length; i++) {
        p[i] = out[i][0];
      }
      return p;
    } finally {
      m.dispose();
    }
  }

  private DMatrix matrix(Example[] rows) throws XGBoostError {
    return matrixOf(rows, features.toArray(String[]::new));
  }

  /** Row-major float32 with NaN for a missing value: what XGBoost (Java and Python alike) works in. */
  static DMatrix matrixOf(Example[] rows, String[] names) throws XGBoostError {
    int cols = rows.length == 0 ? 0 : rows[0].x().length;
    float[] data = new float[rows.length * cols];
    float[] labels = new float[rows.length];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < cols; j++) {
        data[i * cols + j] = (float) rows[i].x()[j];
      }
      labels[i] = rows[i].label();
    }
    DMatrix m = new DMatrix(data, rows.length, cols, Float.NaN);
    m.setLabel(labels);
    if (names != null) {
      m.setFeatureNames(names);
    }
    return m;
  }

  private List<TrainingReport.Importance> importance(Booster b) throws XGBoostError {
    Map<String, Double> gain = b.getScore((String) null, "total_gain");
    Map<String, Double> weight = b.getScore((String) null, "weight");
    double total = gain.values().stream().mapToDouble(Double::doubleValue).sum();
    List<TrainingReport.Importance> out = new ArrayList<>();
    for (String f : features) {
      double g = gain.getOrDefault(f, 0.0);
      out.add(new TrainingReport.Importance(f, g, total > 0 ? g / total : 0, weight.getOrDefault(f, 0.0).intValue()));
    }
    out.sort(Comparator.comparingDouble(TrainingReport.Importance::totalGain).reversed());
    return out;
  }

  private static Example[] pick(List<Example> rows, int[] idx) {
    Example[] out = new Example[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = rows.get(idx[i]);
    }
    return out;
  }
}
