package dev.onering.stream.job;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * The job's watermark: the minimum over the topic's partitions of each one's newest event time,
 * less the out-of-orderness bound, so a trade is late only against trades published before it on
 * its own partition. One generator sees every partition (the source reads them all in one subtask),
 * which is what lets it judge a quiet partition against the others.
 *
 * <p><b>Event time, not the wall clock, moves it.</b> The watermark advances as soon as the minimum
 * has moved by {@code step}; Flink's timer-driven generators made the set of late trades depend on
 * replay speed.
 *
 * <p><b>A quiet partition</b> (a market closed: its symbols stop trading) must not hold every other
 * symbol's bars back, so it leaves the minimum: once it has said nothing for {@code quietWall} of
 * wall-clock time <em>while the other partitions spoke</em>, moved event time on by at least
 * {@code quietEvent}, and either were read within {@code quietWall / 2} of being published or sent
 * more than {@code backlogMessages} messages since its last. The last condition is what tells silence from a
 * backlog: while the job is behind, a partition whose messages wait in the broker (or behind the
 * other partitions' batches in the source) says nothing for as long as the job is slow, and leaving
 * it out would make its trades late; but the source hands out each partition's batches in turn, so
 * one with data is never passed over by more than a few batches of the others. Flink's own idleness counts wall-clock silence alone, so after a pause of the
 * whole stream (a job waiting for a replay) every partition was idle, the first to resume took the
 * watermark with it, and a partition that resumed a few milliseconds later (a minute of event time
 * in a fast replay) was left out until it caught up, which at a constant lag it never did: most of
 * its trades went to the late output. Here:
 *
 * <ul>
 *   <li>a pause of the whole stream ({@code streamPause} without a trade anywhere) makes every
 *       partition that has sent trades count again: nobody is ahead of a partition that nobody has
 *       overtaken; one that never sent any, when another has, is found quiet then (no symbol maps
 *       to it, or its markets have not opened since the job started);
 *   <li>a partition that speaks again is back in the minimum at once, holding the watermark until
 *       it catches up, rather than left out until it does;
 *   <li>after a start (or a restore) no watermark is emitted before every partition of the topic
 *       has sent a trade or been found quiet, so none is overtaken before it has shown its data.
 * </ul>
 *
 * <p>Judged at Flink's periodic emit (every 200 ms by default), so quietness is known to within that.
 */
final class PartitionWatermarks implements WatermarkGenerator<Arrival> {
  private static final long NONE = Long.MIN_VALUE;

  private final long boundMillis;
  private final long stepMillis;
  private final long quietWallNanos;
  private final long quietEventMillis;
  private final long streamPauseNanos;
  private final long backlogMessages;
  private final LongSupplier nanoClock;

  /** Per partition index: newest event time (millis), NONE before the first trade. */
  private long[] newest = new long[0];
  /** Per partition: whether it sent a trade since the last periodic check. */
  private boolean[] spoke = new boolean[0];
  /** Per partition: when its quiet began (wall nanos), or NONE while it speaks. */
  private long[] quietSince = new long[0];
  /** Per partition: the newest event time anywhere when its quiet began. */
  private long[] quietFromEvent = new long[0];
  /** Per partition: left out of the minimum. */
  private boolean[] idle = new boolean[0];

  /** The longest wait between producer and job among the trades since the last periodic check. */
  private long readLagMicros;
  private long newestAnywhere = NONE;
  /** Messages with trades seen, and per partition the count at its last trade. */
  private long messages;
  private long lastMessage = NONE;
  private long[] lastTrade = new long[0];
  private long emitted = NONE;
  private boolean started;
  private long streamQuietSince = NONE;

  /**
   * @param partitions of the topic, each of which must show its data before a first watermark
   * @param backlogMessages more messages of the others than the source can hand out before a
   *     partition with data gets its turn (messages, not trades: a message may pack many lines)
   */
  PartitionWatermarks(int partitions, Duration bound, Duration step, Duration quietWall, Duration quietEvent,
      Duration streamPause, long backlogMessages, LongSupplier nanoClock) {
    this.boundMillis = bound.toMillis();
    this.stepMillis = Math.max(1, step.toMillis());
    this.quietWallNanos = quietWall.toNanos();
    this.quietEventMillis = quietEvent.toMillis();
    this.streamPauseNanos = streamPause.toNanos();
    this.backlogMessages = backlogMessages;
    this.nanoClock = nanoClock;
    grow(Math.max(1, partitions));
  }

  @Override
  public void onEvent(Arrival trade, long eventTimestamp, WatermarkOutput output) {
    int p = trade.partition();
    if (p >= newest.length) {
      grow(p + 1);
    }
    spoke[p] = true;
    if (trade.message() != lastMessage) {
      lastMessage = trade.message();
      messages++;
    }
    lastTrade[p] = messages;
    idle[p] = false;
    quietSince[p] = NONE;
    newest[p] = Math.max(newest[p], eventTimestamp);
    newestAnywhere = Math.max(newestAnywhere, eventTimestamp);
    readLagMicros = Math.max(readLagMicros, trade.readLagMicros());
    if (!started) {
      started = everyPartitionShown();
    }
    if (started) {
      long candidate = candidate();
      if (candidate != NONE && (emitted == NONE || candidate - emitted >= stepMillis)) {
        emit(candidate, output);
      }
    }
  }

  @Override
  public void onPeriodicEmit(WatermarkOutput output) {
    long now = nanoClock.getAsLong();
    boolean anySpoke = false;
    for (boolean s : spoke) {
      anySpoke |= s;
    }
    if (!anySpoke) {
      if (streamQuietSince == NONE) {
        streamQuietSince = now;
      } else if (now - streamQuietSince >= streamPauseNanos) {
        // Before any trade at all (a job starting, its readers subscribing) nobody is found quiet.
        for (int p = 0; p < idle.length; p++) {
          idle[p] = newest[p] == NONE && newestAnywhere != NONE;
        }
        Arrays.fill(quietSince, NONE);
      }
    } else {
      streamQuietSince = NONE;
      // Behind (the others' trades waited): silence says nothing, so its clock starts over.
      boolean caughtUp = readLagMicros * 1_000L <= quietWallNanos / 2;
      for (int p = 0; p < spoke.length; p++) {
        if (spoke[p]) {
          continue;
        }
        if (quietSince[p] == NONE || !(caughtUp || messages - lastTrade[p] > backlogMessages)) {
          quietSince[p] = now;
          quietFromEvent[p] = newestAnywhere;
        } else if (!idle[p] && now - quietSince[p] >= quietWallNanos
            && newestAnywhere - quietFromEvent[p] >= quietEventMillis) {
          idle[p] = true;
        }
      }
    }
    Arrays.fill(spoke, false);
    readLagMicros = 0;
    if (!started) {
      started = everyPartitionShown();
    }
    if (started) {
      long candidate = candidate();
      if (candidate != NONE) {
        emit(candidate, output);
      }
    }
  }

  private boolean everyPartitionShown() {
    for (int p = 0; p < newest.length; p++) {
      if (newest[p] == NONE && !idle[p]) {
        return false;
      }
    }
    return true;
  }

  /** The minimum over the partitions in it, less the bound; NONE when none is. */
  private long candidate() {
    long min = Long.MAX_VALUE;
    for (int p = 0; p < newest.length; p++) {
      if (!idle[p] && newest[p] != NONE) {
        min = Math.min(min, newest[p]);
      }
    }
    return min == Long.MAX_VALUE ? NONE : min - boundMillis - 1;
  }

  private void emit(long watermark, WatermarkOutput output) {
    if (watermark > emitted) {
      emitted = watermark;
      output.emitWatermark(new Watermark(watermark));
    }
  }

  private void grow(int size) {
    int from = newest.length;
    newest = Arrays.copyOf(newest, size);
    spoke = Arrays.copyOf(spoke, size);
    quietSince = Arrays.copyOf(quietSince, size);
    quietFromEvent = Arrays.copyOf(quietFromEvent, size);
    idle = Arrays.copyOf(idle, size);
    lastTrade = Arrays.copyOf(lastTrade, size);
    Arrays.fill(newest, from, size, NONE);
    Arrays.fill(quietSince, from, size, NONE);
  }
}
