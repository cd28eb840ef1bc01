package dev.onering.stream.job;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The job's logic, from messages to bars, alerts, late trades and quarantine, with no source or
 * sink attached: the Pulsar job, the tests and the benchmark all run this graph.
 *
 * <pre>
 * messages -> parse (record rules) -> watermarks -> keyBy symbol -> clean (spikes, duplicates)
 *          -> minute bars (lateness) -> closed bars -> CEP alerts
 * </pre>
 */
public final class TickPipeline {
  private TickPipeline() {}

  /** How far event time moves between two watermarks; far below the minute a bar spans. */
  static final Duration WATERMARK_STEP = Duration.ofSeconds(1);

  /**
   * @param bars every emission of every minute: revisions as they fire, then one copy marked closed
   */
  public record Streams(
      DataStream<BarRecord> bars,
      DataStream<AlertRecord> alerts,
      DataStream<Arrival> late,
      DataStream<QuarantinedRecord> quarantine) {

    /** The last word on each minute: what Silver keeps and what the parity test compares. */
    public DataStream<BarRecord> closedBars() {
      return bars.filter(b -> b.closed).name("closed-bars");
    }

    /** What changes a bar: each revision, not the closing copy, which repeats the last one. */
    public DataStream<BarRecord> barRevisions() {
      return bars.filter(b -> !b.closed).name("bar-revisions");
    }
  }

  /**
   * The watermarks, to be assigned at the source so each partition has its own (Flink takes the
   * minimum): a trade is then late only against trades published before it on its partition.
   */
  public static WatermarkStrategy<Received> watermarks(StreamSettings settings) {
    return WatermarkStrategy.<Received>forGenerator(
            context -> new EventTimeWatermarks(settings.outOfOrderness(), WATERMARK_STEP))
        .withTimestampAssigner((r, previous) -> r.hasEventTime() ? r.eventTimeMillis() : previous)
        // A partition that goes quiet (a closed market) must not hold every symbol's bars back. The
        // wait is also how long every bar stalls when one does: at 10 s, a tenth of the minutes of a
        // replayed day waited 10 s (make bench-stream). A live partition is never quiet this long.
        .withIdleness(Duration.ofSeconds(2));
  }

  /** @param messages with timestamps and watermarks from {@link #watermarks} */
  public static Streams build(DataStream<Received> messages, StreamSettings settings, AlertRules rules) {
    // Parsed where read, with the source's parallelism: a rebalance here would interleave the
    // partitions again and make lateness depend on which channel ran ahead.
    SingleOutputStreamOperator<Arrival> parsed = messages.process(new TickParsing())
        .setParallelism(messages.getParallelism()).name("parse").uid("parse");
    SingleOutputStreamOperator<Arrival> clean = parsed.keyBy(TickPipeline::symbol)
        .process(new TickCleaner(settings)).name("clean").uid("clean");
    // Already partitioned by symbol: no second shuffle between cleaning and bars.
    SingleOutputStreamOperator<BarRecord> bars =
        DataStreamUtils.reinterpretAsKeyedStream(clean, TickPipeline::symbol)
            .process(new MinuteBarBuilder(settings)).name("minute-bars").uid("minute-bars");
    KeyedStream<BarRecord, String> closed =
        bars.filter(b -> b.closed).name("closed-for-cep").keyBy(b -> b.symbol);
    return new Streams(
        bars,
        AlertPatterns.detect(closed, rules),
        bars.getSideOutput(StreamOutputs.LATE),
        parsed.getSideOutput(StreamOutputs.QUARANTINE).union(clean.getSideOutput(StreamOutputs.QUARANTINE)));
  }

  private static String symbol(Arrival a) {
    return a.tick().symbol();
  }
}
