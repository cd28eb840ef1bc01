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
 * messages -> parse (record rules) -> watermarks (per partition) -> keyBy symbol
 *          -> clean (spikes, duplicates) -> minute bars (lateness) -> closed bars -> CEP alerts
 * </pre>
 */
public final class TickPipeline {
  private TickPipeline() {}

  /** How far event time moves between two watermarks; far below the minute a bar spans. */
  static final Duration WATERMARK_STEP = Duration.ofSeconds(1);
  /**
   * How long a partition must say nothing, while the others speak, before it stops holding the
   * watermark: also how long every bar waits when a market closes. Far above the milliseconds by
   * which partitions drift apart in a replay (batches are 5 ms), far below a second-long stall.
   */
  static final Duration QUIET_WALL = Duration.ofMillis(500);
  /** ...and how far the others must have moved event time on meanwhile. */
  static final Duration QUIET_EVENT = WATERMARK_STEP;
  /** A pause of the whole stream this long makes every partition count again. */
  static final Duration STREAM_PAUSE = Duration.ofSeconds(2);
  /**
   * While the job is behind, a partition with data is passed over by at most the source's queued
   * fetches and one fetch of each other partition (the source hands them out in turn): far fewer
   * messages than this, with fetches of {@value PulsarTickJob#MAX_FETCH_RECORDS} message. Counted in
   * messages, since a message may pack many trades (up to 2,000 trades here, as before packing).
   * Kept small: a partition that never sends anything (no symbol maps to it) holds a backlog's
   * first watermark for this many messages and the quiet wait.
   */
  static final long BACKLOG_MESSAGES = 20L * PulsarTickJob.MAX_FETCH_RECORDS;

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
   * The watermarks: per partition of the ticks topic, so a trade is late only against trades
   * published before it on its partition, with quiet partitions judged against the others
   * ({@link PartitionWatermarks}). One generator must see every partition: assigned after the
   * parse, in the source's single subtask.
   */
  public static WatermarkStrategy<Arrival> watermarks(StreamSettings settings, int partitions) {
    return WatermarkStrategy.<Arrival>forGenerator(context -> new PartitionWatermarks(partitions,
            settings.outOfOrderness(), WATERMARK_STEP, QUIET_WALL, QUIET_EVENT, STREAM_PAUSE, BACKLOG_MESSAGES,
            System::nanoTime))
        .withTimestampAssigner((a, previous) -> a.timestampMillis());
  }

  /**
   * @param messages as read, in the order of each partition, by one subtask (parallelism 1): the
   *     watermarks are made here from all partitions together
   * @param partitions how many the messages come from ({@link Received#partition()} below it)
   */
  public static Streams build(DataStream<Received> messages, int partitions, StreamSettings settings,
      AlertRules rules) {
    if (messages.getParallelism() != 1) {
      throw new IllegalArgumentException("the messages must come from one subtask, which sees every partition"
          + " (parallelism 1), got " + messages.getParallelism());
    }
    // Parsed where read: a rebalance here would interleave the partitions again and make lateness
    // depend on which channel ran ahead. The event time is in the line, so the watermarks follow.
    SingleOutputStreamOperator<Arrival> parsed = messages.process(new TickParsing())
        .setParallelism(1).name("parse").uid("parse");
    SingleOutputStreamOperator<Arrival> timed = parsed.assignTimestampsAndWatermarks(watermarks(settings, partitions))
        .setParallelism(1).name("watermarks").uid("watermarks");
    SingleOutputStreamOperator<Arrival> clean = bySymbol(timed)
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

  /**
   * The trades by symbol. With one keyed subtask every symbol is already where its state is, so the
   * keyed work is chained to the source's subtask instead of shuffled to itself: no serializer copy
   * of each trade, no network buffer, no hand-over between threads. At parallelism 1 this is the
   * partitioning a keyBy would give, key groups and all, so a savepoint restores either way.
   */
  static KeyedStream<Arrival, String> bySymbol(DataStream<Arrival> timed) {
    if (timed.getExecutionEnvironment().getParallelism() == 1) {
      return DataStreamUtils.reinterpretAsKeyedStream(timed, TickPipeline::symbol);
    }
    return timed.keyBy(TickPipeline::symbol);
  }

  private static String symbol(Arrival a) {
    return a.tick().symbol();
  }
}
