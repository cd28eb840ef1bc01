package dev.onering.instruments;

/** What kind of market an instrument trades in; decides its calendar and how returns annualise. */
public enum AssetClass {
  EQUITY(252),
  CRYPTO(365),
  /** A symbol that arrived through the CSV import and is not in the reference set. */
  IMPORTED(252);

  private final int periodsPerYear;

  AssetClass(int periodsPerYear) {
    this.periodsPerYear = periodsPerYear;
  }

  /** Trading days per year used to annualise daily volatility (252 for equities, 365 for crypto). */
  public int periodsPerYear() {
    return periodsPerYear;
  }

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
