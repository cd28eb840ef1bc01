package dev.onering.ml;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The scores every model and baseline is judged by, over predicted probabilities of label 1 and the
 * true labels. Tests check each against an independent computation (a brute-force pair count for
 * the AUC, hand sums for the rest).
 */
public final class Metrics {
  private Metrics() {}

  /** Probabilities are clipped this far from 0 and 1 so one confident miss costs a lot but not infinity (as scikit-learn). */
  public static final double EPS = 1e-15;

  /** AUC, log loss and accuracy of one set of predictions. NaN AUC when the labels hold one class only. */
  @com.fasterxml.jackson.databind.annotation.JsonNaming(
      com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Scores(double auc, double logLoss, double accuracy) {}

  /** Hard calls at p >= 0.5. */
  public static boolean[] calls(double[] p) {
    boolean[] c = new boolean[p.length];
    for (int i = 0; i < p.length; i++) {
      c[i] = p[i] >= 0.5;
    }
    return c;
  }

  /**
   * The probability that a random positive scores above a random negative, ties counting half:
   * the Mann-Whitney U statistic from average ranks, O(n log n).
   */
  public static double auc(double[] score, int[] y) {
    check(score.length, y);
    int n = score.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
    double rankSumPositive = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && score[order[j + 1]] == score[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1; // ranks are 1-based
      for (int k = i; k <= j; k++) {
        if (y[order[k]] == 1) {
          rankSumPositive += averageRank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Mean negative log-likelihood of the labels (natural log). */
  public static double logLoss(double[] p, int[] y) {
    check(p.length, y);
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      double q = Math.min(1 - EPS, Math.max(EPS, p[i]));
      sum -= y[i] == 1 ? Math.log(q) : Math.log(1 - q);
    }
    return sum / p.length;
  }

  /** Share of hard calls equal to the label. */
  public static double accuracy(boolean[] call, int[] y) {
    check(call.length, y);
    int right = 0;
    for (int i = 0; i < call.length; i++) {
      if (call[i] == (y[i] == 1)) {
        right++;
      }
    }
    return (double) right / call.length;
  }

  private static void check(int n, int[] y) {
    if (n != y.length) {
      throw new IllegalArgumentException(n + " predictions for " + y.length + " labels");
    }
    if (n == 0) {
      throw new IllegalArgumentException("no rows to score");
    }
    for (int v : y) {
      if (v != 0 && v != 1) {
        throw new IllegalArgumentException("labels are 0 or 1, got " + v);
      }
    }
  }
}
