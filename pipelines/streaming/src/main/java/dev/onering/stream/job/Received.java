package dev.onering.stream.job;

import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.RejectReason;
import dev.onering.ticks.Tick;
import dev.onering.ticks.TickParser;

/**
 * One message as it came off the ticks topic, with the record rules' verdict on it.
 *
 * <p>The rules run where the message is read, because the event time that drives the watermarks
 * is in the line itself: a producer need not stamp anything on the message (the stack's ingestors
 * do not).
 *
 * <p>A message may hold several lines ({@link dev.onering.stream.pulsar.PackedLines}); each is
 * received, judged and kept on its own, and all of a message's lines are handed on together, before
 * the source records the message as read (so a checkpoint never splits them).
 *
 * @param payload the line as received, which is what quarantine keeps
 * @param origin where it came from: topic partition, message id and the line's number in the
 *     message, e.g. {@code ticks-partition-2@14:7:2:-1#3}, so a quarantined record can be found on
 *     the topic again (the streaming counterpart of file and line)
 * @param partition the index of the topic partition it came from; the watermark is kept per
 *     partition ({@link PartitionWatermarks})
 * @param publishedAtMicros when the producer sent it (Pulsar's publish time), wall clock
 * @param receivedAtMicros when the job read it, wall clock
 * @param tick the trade, or null when a record rule rejected the line
 * @param rejectReason why it was rejected, or null for a trade
 * @param rejectField the offending field, or null
 * @param rejectDetail what was wrong, for people, or null
 * @param message the source's count of messages read when this line's message was read: the same
 *     for every line of a message, so the watermarks can count messages, which is what the source
 *     hands out in turns ({@link PartitionWatermarks})
 */
public record Received(String payload, String origin, int partition, long publishedAtMicros,
    long receivedAtMicros, Tick tick,
    RejectReason rejectReason, String rejectField, String rejectDetail, long message) {
  /** The line judged by the batch path's record rules. The stream has no batch date to hold it to. */
  public static Received parse(TickParser parser, String payload, String origin, int partition,
      long publishedAtMicros, long receivedAtMicros, long message) {
    ParsedTick parsed = parser.parse(payload, null);
    if (parsed instanceof ParsedTick.Accepted a) {
      return new Received(payload, origin, partition, publishedAtMicros, receivedAtMicros, a.tick(), null, null, null,
          message);
    }
    ParsedTick.Rejected r = (ParsedTick.Rejected) parsed;
    return new Received(payload, origin, partition, publishedAtMicros, receivedAtMicros, null, r.reason(), r.field(),
        r.detail(), message);
  }
}
