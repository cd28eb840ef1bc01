package dev.onering.stream.job;

import dev.onering.pipeline.JsonLineWriter;
import dev.onering.ticks.RejectReason;

/**
 * A message the job rejected, with the same reason codes as the batch path's quarantine
 * (docs/cleaning-rules.md). The stream has no file and line; {@code origin} names the topic
 * partition and message id instead.
 */
public record QuarantinedRecord(
    String origin, String reason, String field, String detail, String raw, long receivedAtMicros) {

  public static QuarantinedRecord of(
      Received received, RejectReason reason, String field, String detail) {
    return new QuarantinedRecord(received.origin(), reason.code(), field, detail,
        received.payload(), received.receivedAtMicros());
  }

  public static QuarantinedRecord of(Arrival arrival, RejectReason reason, String field, String detail) {
    return new QuarantinedRecord(arrival.origin(), reason.code(), field, detail, arrival.payload(),
        arrival.receivedAtMicros());
  }

  /** One JSON line, the shape docs/streaming.md gives for {@code quarantine/stream_ticks}. */
  public String toJson() {
    return JsonLineWriter.line(g -> {
      g.writeNumberField("received_at", receivedAtMicros);
      g.writeStringField("origin", origin);
      g.writeStringField("reason", reason);
      g.writeStringField("field", field);
      g.writeStringField("detail", detail);
      g.writeStringField("raw", raw);
    });
  }
}
