package dev.onering.ml;

import java.util.ArrayList;
import java.util.List;

/** The reliability diagram: predictions in equal-width bins, each bin's mean prediction against how often the label was 1. */
public final class Calibration {
  private Calibration() {}

  public static final int BINS = 10;

  /** One bin of [from, to): null means when it holds no prediction. */
  @com.fasterxml.jackson.databind.annotation.JsonNaming(
      com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Bin(double from, double to, int count, Double meanPredicted, Double observedRate) {}

  public static List<Bin> bins(double[] p, int[] y, int bins) {
    int[] count = new int[bins];
    double[] sumP = new double[bins];
    int[] positives = new int[bins];
    for (int i = 0; i < p.length; i++) {
      int b = Math.min(bins - 1, (int) Math.floor(p[i] * bins)); // p = 1.0 belongs to the last bin
      count[b]++;
      sumP[b] += p[i];
      positives[b] += y[i];
    }
    List<Bin> out = new ArrayList<>(bins);
    for (int b = 0; b < bins; b++) {
      out.add(new Bin((double) b / bins, (double) (b + 1) / bins, count[b],
          count[b] == 0 ? null : sumP[b] / count[b], count[b] == 0 ? null : (double) positives[b] / count[b]));
    }
    return out;
  }
}
