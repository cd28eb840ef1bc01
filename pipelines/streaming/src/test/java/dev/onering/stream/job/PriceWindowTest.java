package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PriceWindowTest {

  @Test
  void theMedianFollowsTheLastPricesAsASortOfThemWouldGiveIt() {
    Random random = new Random(7);
    int capacity = 63;
    ArrayDeque<Double> last = new ArrayDeque<>();
    double[] window = null;
    for (int i = 0; i < 5_000; i++) {
      // Few distinct prices, so ties (and evicting one of several equal prices) happen often.
      double price = 100 + random.nextInt(40) * 0.25;
      window = window == null ? PriceWindow.of(price) : PriceWindow.add(window, price, capacity);
      last.addLast(price);
      if (last.size() > capacity) {
        last.removeFirst();
      }
      double[] sorted = last.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      assertThat(PriceWindow.size(window)).isEqualTo(last.size());
      assertThat(PriceWindow.lowerMedian(window)).as("after %d prices", i + 1)
          .isEqualTo(sorted[(sorted.length - 1) / 2]);
      assertThat(Arrays.copyOfRange(window, window.length / 2, window.length)).isEqualTo(sorted);
    }
  }

  @Test
  void aWindowOfOneKeepsOnlyTheNewestPrice() {
    double[] w = PriceWindow.add(PriceWindow.of(10), 20, 1);
    assertThat(w).containsExactly(20, 20);
    assertThat(PriceWindow.lowerMedian(PriceWindow.add(w, 5, 1))).isEqualTo(5);
  }
}
