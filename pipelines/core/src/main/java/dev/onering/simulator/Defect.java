package dev.onering.simulator;

import dev.onering.ticks.RejectReason;
import java.util.Locale;

/**
 * A defect the simulator injects. Each one that makes a record invalid maps to exactly one
 * quarantine reason, so a run's quarantine counts can be checked against the manifest; arrival
 * defects (out of order, late) change order only and must not lose the record.
 */
public enum Defect {
  DUPLICATE(RejectReason.DUPLICATE, 0.004),
  OUT_OF_ORDER(null, 0.01),
  LATE(null, 0.002),
  NULL_PRICE(RejectReason.NULL_PRICE, 0.0004),
  NON_POSITIVE_PRICE(RejectReason.NON_POSITIVE_PRICE, 0.0004),
  NULL_SIZE(RejectReason.NULL_SIZE, 0.0002),
  NON_POSITIVE_SIZE(RejectReason.NON_POSITIVE_SIZE, 0.0002),
  SPIKE(RejectReason.PRICE_SPIKE, 0.0005),
  UNKNOWN_SYMBOL(RejectReason.UNKNOWN_SYMBOL, 0.0004),
  MALFORMED(RejectReason.MALFORMED_JSON, 0.0004);

  private final RejectReason quarantineReason;
  private final double defaultRate;

  Defect(RejectReason quarantineReason, double defaultRate) {
    this.quarantineReason = quarantineReason;
    this.defaultRate = defaultRate;
  }

  /** The quarantine reason this defect must produce, or null if the record must survive. */
  public RejectReason quarantineReason() {
    return quarantineReason;
  }

  /** Probability per clean tick in the default dataset. */
  public double defaultRate() {
    return defaultRate;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
