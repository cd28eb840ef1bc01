package dev.onering.stream.job;

import java.io.Serializable;
import java.time.Duration;

/**
 * The thresholds of the two CEP patterns (docs/streaming.md).
 *
 * @param spikeMove a bar whose close is this far from its open (as a fraction) is a spike
 * @param reversalShare the reversal must give back at least this share of the spike's move
 * @param reversalWithin how soon after the spike bar the reversal bar must start
 * @param risingBars how many consecutive minutes of rising close on rising volume make a run
 */
public record AlertRules(double spikeMove, double reversalShare, Duration reversalWithin, int risingBars)
    implements Serializable {

  public AlertRules {
    if (!(spikeMove > 0) || !(reversalShare > 0) || risingBars < 2 || reversalWithin.isNegative()) {
      throw new IllegalArgumentException("alert rules need a positive move and share, a run of at least"
          + " 2 bars and a non-negative window; got " + spikeMove + ", " + reversalShare + ", "
          + risingBars + ", " + reversalWithin);
    }
  }

  public static AlertRules defaults() {
    return new AlertRules(0.004, 0.5, Duration.ofMinutes(5), 4);
  }
}
