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
 * @param payload the message as received, which is what quarantine keeps
 * @param origin where it came from, e.g. {@code ticks-partition-2@14:7:-1}, so a quarantined
 *     record can be found on the topic again (the streaming counterpart of file and line)
 * @param partition the index of the topic partition it came from; the watermark is kept per
 *     partition ({@link PartitionWatermarks})
 * @param publishedAtMicros when the producer sent it (Pulsar's publish time), wall clock
 * @param receivedAtMicros when the job read it, wall clock
 * @param tick the trade, or null when a record rule rejected the line
 * @param rejectReason why it was rejected, or null for a trade
 * @param rejectField the offending field, or null
 * @param rejectDetail what was wrong, for people, or null
 */
public record Received(String payload, String origin, int partition, long publishedAtMicros,
    long receivedAtMicros, Tick tick,
    RejectReason rejectReason, String rejectField, String rejectDetail) {
  /** The line judged by the batch path's record rules. The stream has no batch date to hold it to. */
  public static Received parse(TickParser parser, String payload, String origin, int partition,
      long publishedAtMicros, long receivedAtMicros) {
    ParsedTick parsed = parser.parse(payload, null);
    if (parsed instanceof ParsedTick.Accepted a) {
      return new Received(payload, origin, partition, publishedAtMicros, receivedAtMicros, a.tick(), null, null, null);
    }
    ParsedTick.Rejected r = (ParsedTick.Rejected) parsed;
    return new Received(payload, origin, partition, publishedAtMicros, receivedAtMicros, null, r.reason(), r.field(),
        r.detail());
  }
}
