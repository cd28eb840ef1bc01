package dev.onering.stream.job;

import dev.onering.bars.MinuteBar;
import dev.onering.bars.MinuteBars;
import dev.onering.ticks.Tick;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One-minute event-time windows per symbol, with allowed lateness and a late output.
 *
 * <p>A minute fires when the watermark passes its end (revision 0), fires again for each trade that
 * arrives within the allowed lateness, and closes when the lateness is over: it is emitted once
 * more marked closed, and a trade for it from then on goes to {@link StreamOutputs#LATE}.
 *
 * <p>Why not Flink's window operator: after a restore from a checkpoint the watermark starts again
 * from nothing, so a window operator takes a trade for a minute it closed before the failure, opens
 * that minute afresh and emits a bar holding that one trade, which would overwrite the real bar
 * downstream. Here the closed horizon is keyed state, checkpointed with the rest, so a restart
 * treats late trades exactly as the uninterrupted run did.
 *
 * <p>The bar is computed by {@link MinuteBars}, the batch path's code, over the minute's trades:
 * the same trades give the same bar, bit for bit, whichever path and arrival order.
 */
public final class MinuteBarBuilder extends KeyedProcessFunction<String, Arrival, BarRecord> {
  private static final long MINUTE_MILLIS = MinuteBar.MINUTE_MICROS / 1_000L;

  private final long latenessMillis;

  /** Minute start (millis) -> the minute's trades so far. */
  private transient MapState<Long, List<Tick>> open;
  /** Minute start (millis) -> the last revision emitted; absent until the minute first fires. */
  private transient MapState<Long, Integer> revisions;
  /** Every minute that starts before this (millis) is closed. */
  private transient ValueState<Long> closedBefore;

  public MinuteBarBuilder(StreamSettings settings) {
    this.latenessMillis = settings.allowedLateness().toMillis();
  }

  @Override
  public void open(OpenContext context) {
    open = getRuntimeContext().getMapState(new MapStateDescriptor<>(
        "open-minutes", Types.LONG, Types.LIST(TypeInformation.of(Tick.class))));
    revisions = getRuntimeContext().getMapState(new MapStateDescriptor<>("revisions", Types.LONG, Types.INT));
    closedBefore = getRuntimeContext().getState(new ValueStateDescriptor<>("closed-before", Types.LONG));
  }

  @Override
  public void processElement(Arrival in, Context ctx, Collector<BarRecord> out) throws Exception {
    long minute = MinuteBar.minuteOf(in.tick().eventTimeMicros()) / 1_000L;
    Long horizon = closedBefore.value();
    boolean closedByState = horizon != null && minute < horizon;
    boolean closedByWatermark = closeTime(minute) <= ctx.timerService().currentWatermark();
    if (closedByState || closedByWatermark) {
      ctx.output(StreamOutputs.LATE, in);
      return;
    }
    List<Tick> trades = open.get(minute);
    if (trades == null) {
      trades = new ArrayList<>();
      ctx.timerService().registerEventTimeTimer(minute + MINUTE_MILLIS - 1);
      ctx.timerService().registerEventTimeTimer(closeTime(minute));
    }
    trades.add(in.tick());
    open.put(minute, trades);
    Integer revision = revisions.get(minute);
    if (revision != null) {
      emit(trades, revision + 1, false, out);
      revisions.put(minute, revision + 1);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<BarRecord> out) throws Exception {
    // Both timers of a minute are derived from its start; the lateness may be zero, so one
    // timestamp can be both a minute's end and its close.
    long endMinute = timestamp + 1 - MINUTE_MILLIS;
    List<Tick> ending = open.get(endMinute);
    if (ending != null && !revisions.contains(endMinute)) {
      emit(ending, 0, false, out);
      revisions.put(endMinute, 0);
    }
    long closeMinute = timestamp + 1 - MINUTE_MILLIS - latenessMillis;
    List<Tick> closing = open.get(closeMinute);
    if (closing != null) {
      emit(closing, revisions.get(closeMinute), true, out);
      open.remove(closeMinute);
      revisions.remove(closeMinute);
      Long horizon = closedBefore.value();
      long next = closeMinute + MINUTE_MILLIS;
      if (horizon == null || next > horizon) {
        closedBefore.update(next);
      }
    }
  }

  private long closeTime(long minute) {
    return minute + MINUTE_MILLIS - 1 + latenessMillis;
  }

  private static void emit(List<Tick> trades, int revision, boolean closed, Collector<BarRecord> out) {
    List<MinuteBar> bars = MinuteBars.of(trades);
    // One symbol, one minute: always exactly one bar.
    out.collect(BarRecord.of(bars.get(0), revision, closed));
  }
}
