package dev.onering.gold;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DailyFoldTest {
  private static final LocalDate DAY = LocalDate.of(2026, 9, 1);

  private record Bar(String symbol, LocalDate date, String minute, double o, double h, double l, double c, double v,
      double notional, long n) {
    long micros() {
      return Instant.parse(date + "T" + minute + ":00Z").toEpochMilli() * 1000;
    }
  }

  private static DailyFold fold(List<Bar> bars) {
    DailyFold fold = new DailyFold();
    bars.forEach(b -> fold.add(b.symbol(), b.date(), b.micros(), b.o(), b.h(), b.l(), b.c(), b.v(), b.notional(), b.n()));
    return fold;
  }

  @Test
  void aDayIsTheFirstMinutesOpenAndTheLastMinutesCloseInWhateverOrderTheBarsCome() {
    List<Bar> bars = List.of(
        new Bar("AAPL", DAY, "15:01", 101, 104, 100.5, 103, 20, 2040, 4),
        new Bar("AAPL", DAY, "14:00", 100, 102, 99, 101, 10, 1005, 2), // earliest minute, listed second
        new Bar("AAPL", DAY, "19:59", 103, 103.5, 98, 99, 5, 500, 1));
    assertThat(fold(bars).result()).containsExactly(
        new DailyBar("AAPL", DAY, 100, 104, 98, 99, 35, (1005.0 + 2040 + 500) / 35, 7L));
  }

  @Test
  void symbolsAndDaysInterleavedFoldApartAndComeOutInOrder() {
    // Two files' worth: each grouped by symbol and day, as Silver writes them, read one after the
    // other, then the whole lot shuffled; every order must give the same days.
    List<Bar> bars = new ArrayList<>();
    Random random = new Random(7);
    for (String symbol : List.of("MSFT", "AAPL")) {
      for (LocalDate d : List.of(DAY.plusDays(1), DAY)) {
        for (int m = 0; m < 30; m++) {
          double p = 100 + random.nextInt(50);
          bars.add(new Bar(symbol, d, String.format("14:%02d", m), p, p + 1, p - 1, p + 0.5, 1 + m, (p + 0.25) * (1 + m), 1));
        }
      }
    }
    List<DailyBar> expected = new ArrayList<>();
    for (String symbol : List.of("AAPL", "MSFT")) {
      for (LocalDate d : List.of(DAY, DAY.plusDays(1))) {
        List<Bar> day = bars.stream().filter(b -> b.symbol().equals(symbol) && b.date().equals(d)).toList();
        double volume = day.stream().mapToDouble(Bar::v).sum();
        expected.add(new DailyBar(symbol, d, day.get(0).o(), day.stream().mapToDouble(Bar::h).max().orElseThrow(),
            day.stream().mapToDouble(Bar::l).min().orElseThrow(), day.get(day.size() - 1).c(), volume,
            day.stream().mapToDouble(Bar::notional).sum() / volume, (long) day.size()));
      }
    }
    assertThat(fold(bars).result()).containsExactlyElementsOf(expected);
    Collections.shuffle(bars, random);
    assertThat(fold(bars).result()).usingRecursiveFieldByFieldElementComparatorOnFields("symbol", "tradeDate", "open",
        "high", "low", "close", "tradeCount").containsExactlyElementsOf(expected);
  }
}
