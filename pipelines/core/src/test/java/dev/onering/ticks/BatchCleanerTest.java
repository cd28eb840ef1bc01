package dev.onering.ticks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.bars.MinuteBar;
import dev.onering.instruments.ReferenceData;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCleanerTest {
  private static final LocalDate DAY = LocalDate.of(2026, 9, 1);
  private static final long T = Tick.startOfDayMicros(DAY) + 50_400_000_000L;

  private final List<BatchCleaner.Kept> kept = new ArrayList<>();
  private final List<BatchCleaner.Quarantined> quarantined = new ArrayList<>();
  private final List<MinuteBar> bars = new ArrayList<>();
  private final BatchCleaner cleaner = new BatchCleaner(ReferenceData.standard(), DAY, new BatchCleaner.Output() {
    @Override
    public void kept(BatchCleaner.Kept k) {
      kept.add(k);
    }

    @Override
    public void quarantined(BatchCleaner.Quarantined q) {
      quarantined.add(q);
    }

    @Override
    public void bar(MinuteBar b) {
      bars.add(b);
    }
  });

  private void line(long n, String symbol, long seq, double price) {
    cleaner.accept(new Tick(symbol, seq, T + seq, price, 1, "sell", "XNAS").toJson(), new BatchCleaner.Source("f", n));
  }

  @Test
  void aSpikeArrivingFirstDoesNotHideTheRealTradeWithTheSameSeq() {
    line(1, "AAPL", 1, 1000.0); // a fat-finger copy of seq 1, before the real one
    line(2, "AAPL", 1, 100.0);
    line(3, "AAPL", 2, 101.0);
    line(4, "AAPL", 2, 101.0); // duplicate
    cleaner.finish();
    assertThat(kept).extracting(k -> k.tick().price()).containsExactly(100.0, 101.0);
    assertThat(quarantined).extracting(BatchCleaner.Quarantined::reason)
        .containsExactly(RejectReason.PRICE_SPIKE, RejectReason.DUPLICATE);
    assertThat(quarantined.get(1).source().line()).isEqualTo(4);
    assertThat(bars).hasSize(1);
    assertThat(bars.get(0).tradeCount()).isEqualTo(2);
  }

  @Test
  void keptTradesComeOutBySymbolThenSeqAndRejectsAtOnce() {
    line(1, "MSFT", 5, 400.0);
    cleaner.accept("garbage", new BatchCleaner.Source("f", 2));
    assertThat(quarantined).hasSize(1); // before finish: record rules do not wait for the day
    line(3, "AAPL", 7, 100.0);
    line(4, "AAPL", 6, 100.0);
    cleaner.finish();
    assertThat(kept).extracting(k -> k.tick().symbol() + k.tick().seq()).containsExactly("AAPL6", "AAPL7", "MSFT5");
  }
}
