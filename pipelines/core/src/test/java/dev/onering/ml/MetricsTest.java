package dev.onering.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MetricsTest {

  /** The definition itself: every (positive, negative) pair, 1 when the positive scores higher, 1/2 on a tie. */
  private static double bruteForceAuc(double[] s, int[] y) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < s.length; i++) {
      for (int j = 0; j < s.length; j++) {
        if (y[i] == 1 && y[j] == 0) {
          pairs++;
          wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  @Test
  void aucEqualsTheBruteForcePairCountWithAndWithoutTies() {
    Random r = new Random(7);
    for (int trial = 0; trial < 50; trial++) {
      int n = 2 + r.nextInt(300);
      double[] s = new double[n];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        // Coarse scores on half the trials, so ties across classes are common.
        s[i] = trial % 2 == 0 ? r.nextInt(5) / 4.0 : r.nextDouble();
        y[i] = r.nextDouble() < 0.4 ? 1 : 0;
      }
      y[0] = 1;
      y[1] = 0;
      assertThat(Metrics.auc(s, y)).as("trial %d", trial).isCloseTo(bruteForceAuc(s, y), within(1e-12));
    }
  }

  @Test
  void aucOfAPerfectAReversedAndAConstantRanking() {
    int[] y = {0, 0, 1, 1};
    assertThat(Metrics.auc(new double[] {0.1, 0.2, 0.8, 0.9}, y)).isEqualTo(1.0);
    assertThat(Metrics.auc(new double[] {0.9, 0.8, 0.2, 0.1}, y)).isEqualTo(0.0);
    assertThat(Metrics.auc(new double[] {0.5, 0.5, 0.5, 0.5}, y)).isEqualTo(0.5);
    assertThat(Metrics.auc(new double[] {0.5, 0.5}, new int[] {1, 1})).isNaN();
  }

  @Test
  void logLossByHand() {
    // -(ln 0.8 + ln(1 - 0.3) + ln 0.5) / 3
    double expected = -(Math.log(0.8) + Math.log(0.7) + Math.log(0.5)) / 3;
    assertThat(Metrics.logLoss(new double[] {0.8, 0.3, 0.5}, new int[] {1, 0, 1})).isCloseTo(expected, within(1e-15));
    // A certain miss is clipped, not infinite: -ln(1e-15) = 34.54.
    assertThat(Metrics.logLoss(new double[] {0.0}, new int[] {1})).isCloseTo(34.538776394910684, within(1e-9));
  }

  @Test
  void accuracyCountsCallsEqualToTheLabel() {
    boolean[] calls = Metrics.calls(new double[] {0.5, 0.49, 0.9, 0.1});
    assertThat(calls).containsExactly(true, false, true, false);
    assertThat(Metrics.accuracy(calls, new int[] {1, 1, 1, 0})).isEqualTo(0.75);
  }

  @Test
  void calibrationBinsHoldMeanPredictionAndObservedRate() {
    List<Calibration.Bin> bins = Calibration.bins(new double[] {0.05, 0.15, 0.12, 1.0, 0.95}, new int[] {0, 1, 0, 1, 0}, 10);
    assertThat(bins).hasSize(10);
    assertThat(bins.get(0).count()).isEqualTo(1);
    assertThat(bins.get(1).count()).isEqualTo(2);
    assertThat(bins.get(1).meanPredicted()).isCloseTo(0.135, within(1e-12));
    assertThat(bins.get(1).observedRate()).isEqualTo(0.5);
    assertThat(bins.get(9).count()).isEqualTo(2); // 1.0 falls in the last bin
    assertThat(bins.get(5).meanPredicted()).isNull();
  }
}
