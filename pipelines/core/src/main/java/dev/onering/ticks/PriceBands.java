package dev.onering.ticks;

/**
 * The fat-finger rule: a price more than {@link #FACTOR} times away from the symbol's reference
 * price that day is a spike. The reference is the lower median of the day's positive prices for
 * the symbol, which a rare spike cannot move. Natural intraday moves stay far inside the band; a
 * misplaced decimal point (x10, /10) lands far outside it.
 */
public final class PriceBands {
  public static final double FACTOR = 3.0;

  private PriceBands() {}

  public static boolean isSpike(double price, double reference) {
    return price > reference * FACTOR || price * FACTOR < reference;
  }
}
