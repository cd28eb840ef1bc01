package dev.onering.stream.job;

/**
 * One message as it came off the ticks topic, before any rule has looked at it.
 *
 * @param payload the message as received, which is what quarantine keeps
 * @param origin where it came from, e.g. {@code ticks-partition-2@14:7:-1}, so a quarantined
 *     record can be found on the topic again (the streaming counterpart of file and line)
 * @param receivedAtMicros when the job read it, wall clock
 */
public record Received(String payload, String origin, long receivedAtMicros) {}
