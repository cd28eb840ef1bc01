package dev.onering.stream.job;

import java.io.Serializable;
import java.time.Duration;

/**
 * The event-time rules of the job. The defaults are the ones docs/streaming.md explains: the
 * simulator delays out-of-order trades by 1-20 s, which the 30 s bound absorbs, and late ones by
 * 180-600 s, beyond bound plus lateness, so they land in the late output as a real feed's would.
 *
 * @param outOfOrderness how far behind the newest event time a trade may arrive and still be on time
 * @param allowedLateness how long after its on-time firing a minute still takes trades, each one
 *     re-emitting the bar
 * @param dedupRetention how long after a minute closes its (symbol, seq) keys are remembered: a
 *     duplicate within it is quarantined as a duplicate, after it it is late
 * @param spikeWarmup trades per symbol collected before the first spike judgement, whose lower
 *     median is the first reference price
 * @param spikeWindow how many recent accepted prices the reference median is taken over
 */
public record StreamSettings(
    Duration outOfOrderness,
    Duration allowedLateness,
    Duration dedupRetention,
    int spikeWarmup,
    int spikeWindow)
    implements Serializable {

  public StreamSettings {
    if (outOfOrderness.isNegative() || allowedLateness.isNegative() || dedupRetention.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    if (spikeWarmup < 1 || spikeWindow < spikeWarmup) {
      throw new IllegalArgumentException(
          "need 1 <= spike warm-up <= spike window, got " + spikeWarmup + " and " + spikeWindow);
    }
  }

  public static StreamSettings defaults() {
    return new StreamSettings(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5), 5, 63);
  }

  public StreamSettings withLateness(Duration outOfOrderness, Duration allowedLateness) {
    return new StreamSettings(outOfOrderness, allowedLateness, dedupRetention, spikeWarmup, spikeWindow);
  }
}
