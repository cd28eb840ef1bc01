package dev.onering.stream.job;

import java.util.Arrays;

/**
 * A symbol's last accepted prices with their lower median at hand, held in one {@code double[]} so
 * it is one cheap state value: the first half in arrival order, the second half the same prices
 * sorted. Adding a price moves the sorted half by one insertion and one eviction instead of sorting
 * the window again for every trade.
 */
final class PriceWindow {
  private PriceWindow() {}

  static double[] of(double price) {
    return new double[] {price, price};
  }

  static int size(double[] window) {
    return window.length / 2;
  }

  /** The lower median: of an even count, the smaller of the two middle prices. */
  static double lowerMedian(double[] window) {
    int n = size(window);
    return window[n + (n - 1) / 2];
  }

  /** The window with {@code price} appended, its oldest price dropped once it holds {@code capacity}. */
  static double[] add(double[] window, double price, int capacity) {
    int n = size(window);
    int keep = Math.min(n, capacity - 1);
    int evict = n - keep;
    double[] next = new double[2 * (keep + 1)];
    System.arraycopy(window, evict, next, 0, keep);
    next[keep] = price;
    // Sorted half: the old one without the evicted prices, then the new price inserted in place.
    double[] sorted = Arrays.copyOfRange(window, n, 2 * n);
    int size = n;
    for (int e = 0; e < evict; e++) {
      int at = Arrays.binarySearch(sorted, 0, size, window[e]);
      System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
      size--;
    }
    int at = Arrays.binarySearch(sorted, 0, size, price);
    int insert = at >= 0 ? at : -at - 1;
    int base = keep + 1;
    System.arraycopy(sorted, 0, next, base, insert);
    next[base + insert] = price;
    System.arraycopy(sorted, insert, next, base + insert + 1, size - insert);
    return next;
  }
}
