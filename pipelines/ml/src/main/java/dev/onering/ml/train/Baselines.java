package dev.onering.ml.train;

import dev.onering.ml.Example;
import dev.onering.ml.Metrics;
import java.util.Arrays;

/**
 * What the model has to beat, each fitted on the training rows only.
 *
 * <p>Majority class: always the training rows' more frequent label, with their base rate as the
 * probability. The z-score rule: "bet on reversion when |z| > 2", the plain rule a trader would use;
 * its call is 1 exactly when |zscore_20| > 2 (a missing z-score is not above 2), its AUC is that of
 * the 0/1 call, and its probability for the log loss is the training rows' label rate within the
 * call's group (Laplace-smoothed, so a group the training rows never saw gets 1/2).
 */
final class Baselines {
  private Baselines() {}

  static final double Z_THRESHOLD = 2.0;

  /**
   * One predictor's output on some rows: the probability (log loss), the ranking score (AUC) and
   * the hard call (accuracy). For the model the score is the probability and the call p >= 0.5.
   */
  record Predictions(double[] p, double[] score, boolean[] call) {
    static Predictions ofProbabilities(double[] p) {
      return new Predictions(p, p, Metrics.calls(p));
    }

    Metrics.Scores scores(int[] y) {
      return new Metrics.Scores(Metrics.auc(score, y), Metrics.logLoss(p, y), Metrics.accuracy(call, y));
    }

    static Predictions concat(java.util.List<Predictions> parts) {
      int n = parts.stream().mapToInt(x -> x.p.length).sum();
      double[] p = new double[n];
      double[] s = new double[n];
      boolean[] c = new boolean[n];
      int at = 0;
      for (Predictions x : parts) {
        System.arraycopy(x.p, 0, p, at, x.p.length);
        System.arraycopy(x.score, 0, s, at, x.p.length);
        System.arraycopy(x.call, 0, c, at, x.p.length);
        at += x.p.length;
      }
      return new Predictions(p, s, c);
    }
  }

  static double baseRate(Example[] rows) {
    double positives = 0;
    for (Example e : rows) {
      positives += e.label();
    }
    return positives / rows.length;
  }

  static Predictions majority(Example[] train, Example[] test) {
    double rate = baseRate(train);
    double[] p = new double[test.length];
    boolean[] call = new boolean[test.length];
    Arrays.fill(p, rate);
    Arrays.fill(call, rate >= 0.5);
    return new Predictions(p, p, call);
  }

  static boolean zCall(Example e, int zIndex) {
    double z = e.x()[zIndex];
    return !Double.isNaN(z) && Math.abs(z) > Z_THRESHOLD;
  }

  static Predictions zRule(Example[] train, Example[] test, int zIndex) {
    double[] positives = new double[2];
    double[] n = new double[2];
    for (Example e : train) {
      int g = zCall(e, zIndex) ? 1 : 0;
      positives[g] += e.label();
      n[g]++;
    }
    double[] rate = {(positives[0] + 1) / (n[0] + 2), (positives[1] + 1) / (n[1] + 2)};
    double[] p = new double[test.length];
    double[] score = new double[test.length];
    boolean[] call = new boolean[test.length];
    for (int i = 0; i < test.length; i++) {
      call[i] = zCall(test[i], zIndex);
      p[i] = rate[call[i] ? 1 : 0];
      score[i] = call[i] ? 1 : 0;
    }
    return new Predictions(p, score, call);
  }

  static int[] labels(Example[] rows) {
    int[] y = new int[rows.length];
    for (int i = 0; i < rows.length; i++) {
      y[i] = rows[i].label();
    }
    return y;
  }
}
