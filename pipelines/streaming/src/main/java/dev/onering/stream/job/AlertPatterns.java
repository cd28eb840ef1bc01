package dev.onering.stream.job;

import dev.onering.bars.MinuteBar;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.util.Collector;

/**
 * Two patterns a client recognises at a glance, run with Flink CEP on closed bars, per symbol:
 * closed bars never change, so an alert found once is found again after a restart.
 *
 * <ul>
 *   <li>{@code spike_reversal}: a bar that moves at least {@code spikeMove}, followed within
 *       {@code reversalWithin} by a bar moving the other way by at least {@code reversalShare} of it:
 *       a fat finger or a stop run that the market took back.
 *   <li>{@code momentum_run}: {@code risingBars} consecutive minutes, each closing above the
 *       last on more volume: buyers pressing.
 * </ul>
 */
public final class AlertPatterns {
  public static final String SPIKE_REVERSAL = "spike_reversal";
  public static final String MOMENTUM_RUN = "momentum_run";

  private AlertPatterns() {}

  public static DataStream<AlertRecord> detect(KeyedStream<BarRecord, String> closedBars, AlertRules rules) {
    DataStream<AlertRecord> reversals = CEP.pattern(closedBars, spikeReversal(rules)).inEventTime()
        .process(new SpikeReversalAlert()).name("cep-spike-reversal").uid("cep-spike-reversal");
    DataStream<AlertRecord> runs = CEP.pattern(closedBars, momentumRun(rules)).inEventTime()
        .process(new MomentumRunAlert()).name("cep-momentum-run").uid("cep-momentum-run");
    return reversals.union(runs);
  }

  static double move(BarRecord bar) {
    return bar.close / bar.open - 1;
  }

  static Pattern<BarRecord, ?> spikeReversal(AlertRules rules) {
    return Pattern.<BarRecord>begin("spike", AfterMatchSkipStrategy.skipPastLastEvent())
        .where(SimpleCondition.of(b -> Math.abs(move(b)) >= rules.spikeMove()))
        .followedBy("reversal")
        .where(new IterativeCondition<>() {
          @Override
          public boolean filter(BarRecord bar, Context<BarRecord> ctx) throws Exception {
            BarRecord spike = ctx.getEventsForPattern("spike").iterator().next();
            double spikeMove = move(spike);
            double back = move(bar);
            return Math.signum(back) == -Math.signum(spikeMove)
                && Math.abs(back) >= rules.reversalShare() * Math.abs(spikeMove);
          }
        })
        .within(rules.reversalWithin().plusMinutes(1));
  }

  static Pattern<BarRecord, ?> momentumRun(AlertRules rules) {
    return Pattern.<BarRecord>begin("first", AfterMatchSkipStrategy.skipPastLastEvent())
        .next("rising")
        .where(new IterativeCondition<>() {
          @Override
          public boolean filter(BarRecord bar, Context<BarRecord> ctx) throws Exception {
            BarRecord previous = null;
            for (BarRecord b : ctx.getEventsForPattern("rising")) {
              previous = b;
            }
            if (previous == null) {
              previous = ctx.getEventsForPattern("first").iterator().next();
            }
            return bar.barStart == previous.barStart + MinuteBar.MINUTE_MICROS
                && bar.close > previous.close && bar.volume > previous.volume;
          }
        })
        .times(rules.risingBars() - 1)
        .consecutive();
  }

  private static final class SpikeReversalAlert extends PatternProcessFunction<BarRecord, AlertRecord> {
    @Override
    public void processMatch(Map<String, List<BarRecord>> match, Context ctx, Collector<AlertRecord> out) {
      BarRecord spike = match.get("spike").get(0);
      BarRecord reversal = match.get("reversal").get(0);
      double move = move(spike);
      out.collect(new AlertRecord(spike.symbol, SPIKE_REVERSAL, spike.barStart, reversal.barStart,
          (int) ((reversal.barStart - spike.barStart) / MinuteBar.MINUTE_MICROS) + 1, move,
          String.format(Locale.ROOT, "%s moved %+.2f%% in one minute, then %+.2f%% within %d min",
              spike.symbol, 100 * move, 100 * move(reversal),
              (reversal.barStart - spike.barStart) / MinuteBar.MINUTE_MICROS)));
    }
  }

  private static final class MomentumRunAlert extends PatternProcessFunction<BarRecord, AlertRecord> {
    @Override
    public void processMatch(Map<String, List<BarRecord>> match, Context ctx, Collector<AlertRecord> out) {
      BarRecord first = match.get("first").get(0);
      List<BarRecord> rising = match.get("rising");
      BarRecord last = rising.get(rising.size() - 1);
      double move = last.close / first.close - 1;
      out.collect(new AlertRecord(first.symbol, MOMENTUM_RUN, first.barStart, last.barStart,
          rising.size() + 1, move,
          String.format(Locale.ROOT, "%s closed higher on more volume %d minutes running, %+.2f%% in all",
              first.symbol, rising.size(), 100 * move)));
    }
  }
}
