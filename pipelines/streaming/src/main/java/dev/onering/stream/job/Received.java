package dev.onering.stream.job;

/**
 * One message as it came off the ticks topic, before any rule has looked at it.
 *
 * @param payload the message as received, which is what quarantine keeps
 * @param origin where it came from, e.g. {@code ticks-partition-2@14:7:-1}, so a quarantined
 *     record can be found on the topic again (the streaming counterpart of file and line)
 * @param receivedAtMicros when the job read it, wall clock
 * @param eventTimeMillis the trade's event time as the publisher stamped it on the message, or
 *     {@link #NO_EVENT_TIME} for a message that had none (a malformed line): watermarks are made
 *     at the source from this, per partition, before anything is parsed
 */
public record Received(String payload, String origin, long receivedAtMicros, long eventTimeMillis) {
  public static final long NO_EVENT_TIME = Long.MIN_VALUE;

  public boolean hasEventTime() {
    return eventTimeMillis != NO_EVENT_TIME;
  }
}
