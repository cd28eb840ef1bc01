package dev.onering.stream.pulsar;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.onering.pipeline.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * When the publisher crossed each minute of event time: for every minute boundary T, the wall-clock
 * instant at which the first tick with {@code event_time >= T} was handed to the publisher.
 * That is the earliest moment the job could learn that the window ending at T is complete, so
 * "bar for the window ending at T visible in ClickHouse" minus this instant is the end-to-end
 * latency of the streaming path (it includes the wait in a packed message and the broker).
 *
 * <p>Only ticks that pass the record-level cleaning rules count: a malformed or unknown-symbol line
 * does not move the job's watermark either.
 */
public final class PublishTimeline {
  public static final long MINUTE_MICROS = 60_000_000L;
  /**
   * A jump of more than this many minutes in event time (a week) records only the minute reached,
   * not every minute in between: one absurd timestamp must not write millions of entries.
   */
  static final long MAX_FILL = 7L * 24 * 60;

  /**
   * @param eventTime a minute boundary, microseconds since the epoch (UTC)
   * @param sentAt when the first tick at or after it was sent, wall clock, microseconds since the epoch
   */
  public record Boundary(@JsonProperty("event_time") long eventTime, @JsonProperty("sent_at") long sentAt) {}

  /** The file's shape. */
  public record File(
      @JsonProperty("topic") String topic,
      @JsonProperty("unit") String unit,
      @JsonProperty("boundaries") List<Boundary> boundaries) {}

  private final List<Boundary> boundaries = new ArrayList<>();
  /** The next boundary not yet crossed; Long.MIN_VALUE before the first tick. */
  private long next = Long.MIN_VALUE;

  /** Notes a tick with this event time sent at this wall-clock instant (both microseconds). */
  public void observe(long eventTime, long sentAt) {
    if (eventTime < next) {
      return;
    }
    long reached = Math.floorDiv(eventTime, MINUTE_MICROS) * MINUTE_MICROS;
    long from = next == Long.MIN_VALUE || (reached - next) / MINUTE_MICROS > MAX_FILL ? reached : next;
    for (long t = from; t <= reached; t += MINUTE_MICROS) {
      boundaries.add(new Boundary(t, sentAt));
    }
    next = reached + MINUTE_MICROS;
  }

  /** Whether a tick with this event time would record a boundary not recorded yet. */
  public boolean wouldMove(long eventTime) {
    return eventTime != Long.MIN_VALUE && eventTime >= next;
  }

  public List<Boundary> boundaries() {
    return List.copyOf(boundaries);
  }

  /** When the first tick at or after this minute boundary was sent, if one was. */
  public OptionalLong sentAt(long boundary) {
    Long sent = sentAtMap(boundaries).get(boundary);
    return sent == null ? OptionalLong.empty() : OptionalLong.of(sent);
  }

  public void write(Path file, String topic) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Json.MAPPER.writeValue(file.toFile(), new File(topic, "epoch microseconds", boundaries));
  }

  /** Reads a timeline file into boundary -> sent-at, both in epoch microseconds. */
  public static NavigableMap<Long, Long> read(Path file) throws IOException {
    return sentAtMap(Json.MAPPER.readValue(file.toFile(), File.class).boundaries());
  }

  private static NavigableMap<Long, Long> sentAtMap(List<Boundary> list) {
    NavigableMap<Long, Long> m = new TreeMap<>();
    list.forEach(b -> m.put(b.eventTime(), b.sentAt()));
    return m;
  }

  /** The wall clock in epoch microseconds (Java's system clock has microsecond resolution on Linux). */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
