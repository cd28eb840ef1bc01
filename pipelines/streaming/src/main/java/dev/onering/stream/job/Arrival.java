package dev.onering.stream.job;

import dev.onering.pipeline.JsonLineWriter;
import dev.onering.ticks.Tick;

/**
 * A tick that passed the record rules, still carrying the message it came from: the rules that
 * need more than one record (spikes, duplicates) and lateness may yet send it to an output that
 * keeps the line as received.
 *
 * @param message the source's count of messages read when its message was read ({@link Received#message()})
 */
public record Arrival(Tick tick, String payload, String origin, int partition, long publishedAtMicros,
    long receivedAtMicros, long message) {

  /** How long the message waited between its producer and the job: long while the job is behind. */
  public long readLagMicros() {
    return receivedAtMicros - publishedAtMicros;
  }

  /** One JSON line of {@code silver/stream_late_ticks}: the message as received, and where from. */
  public String toLateJson() {
    return JsonLineWriter.line(g -> {
      g.writeNumberField("received_at", receivedAtMicros);
      g.writeStringField("origin", origin);
      g.writeObjectFieldStart("trade");
      tick.writeFields(g);
      g.writeEndObject();
      g.writeStringField("raw", payload);
    });
  }

  /** Event time in Flink's unit (milliseconds); the tick keeps microseconds. */
  public long timestampMillis() {
    return Math.floorDiv(tick.eventTimeMicros(), 1_000L);
  }
}
