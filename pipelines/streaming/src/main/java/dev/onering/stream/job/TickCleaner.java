package dev.onering.stream.job;

import dev.onering.bars.MinuteBar;
import dev.onering.ticks.PriceBands;
import dev.onering.ticks.RejectReason;
import dev.onering.ticks.Tick;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The rules that need more than one record, per symbol and in the batch path's order: price spikes
 * first, then duplicates on (symbol, seq) keeping the first arrival (docs/cleaning-rules.md).
 *
 * <p>A stream has no day to take a median over, so the spike reference is the lower median of the
 * symbol's last {@code spikeWindow} accepted prices, started from the lower median of its first
 * {@code spikeWarmup} trades. The band is 3x wide and a spike is a misplaced decimal point, so both
 * references flag the same trades; the parity test holds the two paths to that.
 *
 * <p>The (symbol, seq) keys are kept per event-time minute and forgotten {@code dedupRetention}
 * after the minute has closed, so the state stays as small as the stream's open minutes. A
 * duplicate carries its original's event time, so it always finds it while the minute is open.
 */
public final class TickCleaner extends KeyedProcessFunction<String, Arrival, Arrival> {
  private final StreamSettings settings;

  /** Accepted recent prices and their median ({@link PriceWindow}); short, so copying it is cheap. */
  private transient ValueState<double[]> recentPrices;
  /** Trades held until the warm-up has enough prices to judge them. */
  private transient ListState<Arrival> warmup;
  /**
   * Event-time minute (millis) -> [when to forget the minute's keys (event-time millis), then the
   * seq of every trade of that minute kept so far]. By minute, because a duplicate carries its
   * original's event time, and forgetting then drops whole minutes instead of walking every key.
   */
  private transient MapState<Long, long[]> seen;

  public TickCleaner(StreamSettings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    recentPrices = getRuntimeContext().getState(
        new ValueStateDescriptor<>("recent-prices", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO));
    warmup = getRuntimeContext().getListState(
        new ListStateDescriptor<>("warmup", TypeInformation.of(Arrival.class)));
    seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen-by-minute", Types.LONG,
        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
  }

  @Override
  public void processElement(Arrival in, Context ctx, Collector<Arrival> out) throws Exception {
    double[] recent = recentPrices.value();
    if (recent == null) {
      warmup.add(in);
      List<Arrival> held = new ArrayList<>();
      warmup.get().forEach(held::add);
      if (held.size() >= settings.spikeWarmup()) {
        releaseWarmup(held, ctx, out);
      } else if (held.size() == 1) {
        // A symbol that trades fewer times than the warm-up must not be held forever.
        ctx.timerService().registerEventTimeTimer(in.timestampMillis() + settings.outOfOrderness().toMillis());
      }
      return;
    }
    judge(in, recent, ctx, out);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Arrival> out) throws Exception {
    if (recentPrices.value() == null) {
      List<Arrival> held = new ArrayList<>();
      warmup.get().forEach(held::add);
      if (!held.isEmpty()) {
        releaseWarmup(held, ctx, out);
      }
    }
    Iterator<Map.Entry<Long, long[]>> it = seen.iterator();
    while (it.hasNext()) {
      if (it.next().getValue()[0] <= timestamp) {
        it.remove();
      }
    }
  }

  private void releaseWarmup(List<Arrival> held, Context ctx, Collector<Arrival> out) throws Exception {
    warmup.clear();
    double[] prices = new double[held.size()];
    for (int i = 0; i < prices.length; i++) {
      prices[i] = held.get(i).tick().price();
    }
    double reference = lowerMedian(prices);
    double[] recent = null;
    for (Arrival a : held) {
      if (PriceBands.isSpike(a.tick().price(), reference)) {
        spike(a, reference, ctx);
      } else if (keepIfFirst(a, ctx)) {
        recent = recent == null ? PriceWindow.of(a.tick().price())
            : PriceWindow.add(recent, a.tick().price(), settings.spikeWindow());
        out.collect(a);
      }
    }
    // Every warm-up trade may have been a spike: the reference then stays the warm-up's median.
    recentPrices.update(recent == null ? PriceWindow.of(reference) : recent);
  }

  private void judge(Arrival in, double[] recent, Context ctx, Collector<Arrival> out) throws Exception {
    double reference = PriceWindow.lowerMedian(recent);
    if (PriceBands.isSpike(in.tick().price(), reference)) {
      spike(in, reference, ctx);
    } else if (keepIfFirst(in, ctx)) {
      recentPrices.update(PriceWindow.add(recent, in.tick().price(), settings.spikeWindow()));
      out.collect(in);
    }
  }

  private void spike(Arrival a, double reference, Context ctx) {
    Tick t = a.tick();
    ctx.output(StreamOutputs.QUARANTINE, QuarantinedRecord.of(a, RejectReason.PRICE_SPIKE, "price",
        "price " + t.price() + " is more than " + PriceBands.FACTOR + "x away from " + t.symbol()
            + "'s recent median price " + reference));
  }

  private boolean keepIfFirst(Arrival a, Context ctx) throws Exception {
    Tick t = a.tick();
    long minute = MinuteBar.minuteOf(t.eventTimeMicros()) / 1_000L;
    long[] bucket = seen.get(minute);
    if (bucket != null && holdsSeq(bucket, t.seq())) {
      ctx.output(StreamOutputs.QUARANTINE, QuarantinedRecord.of(a, RejectReason.DUPLICATE, "seq",
          "(" + t.symbol() + ", " + t.seq() + ") arrived earlier on the stream"));
      return false;
    }
    // A trade that is itself late is remembered for the retention from now, not from its minute:
    // its duplicate follows it within seconds and must still be caught as one. Rounded up to a
    // whole minute, so a symbol has one forgetting timer per minute rather than one per trade.
    long forgetAt = ceilToMinute(Math.max(minute + forgetAfterMillis(),
        ctx.timerService().currentWatermark() + settings.dedupRetention().toMillis()));
    long[] next;
    if (bucket == null) {
      next = new long[] {forgetAt, t.seq()};
    } else {
      next = Arrays.copyOf(bucket, bucket.length + 1);
      next[bucket.length] = t.seq();
      next[0] = Math.max(bucket[0], forgetAt);
    }
    seen.put(minute, next);
    if (bucket == null || next[0] != bucket[0]) {
      ctx.timerService().registerEventTimeTimer(next[0]);
    }
    return true;
  }

  private static boolean holdsSeq(long[] bucket, long seq) {
    for (int i = 1; i < bucket.length; i++) {
      if (bucket[i] == seq) {
        return true;
      }
    }
    return false;
  }

  /** From a minute's start to the moment its keys may go: the minute, its lateness, the retention. */
  private long forgetAfterMillis() {
    return MinuteBar.MINUTE_MICROS / 1_000L + settings.allowedLateness().toMillis()
        + settings.dedupRetention().toMillis();
  }

  private static long ceilToMinute(long millis) {
    long minute = MinuteBar.MINUTE_MICROS / 1_000L;
    return Math.floorDiv(millis + minute - 1, minute) * minute;
  }

  static double lowerMedian(double[] prices) {
    double[] sorted = prices.clone();
    Arrays.sort(sorted);
    return sorted[(sorted.length - 1) / 2];
  }
}
