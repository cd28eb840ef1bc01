package dev.onering.stream.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.onering.ticks.RejectReason;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * A message the job rejected, with the same reason codes as the batch path's quarantine
 * (docs/cleaning-rules.md). The stream has no file and line; {@code origin} names the topic
 * partition and message id instead.
 */
public record QuarantinedRecord(
    String origin, String reason, String field, String detail, String raw, long receivedAtMicros) {

  private static final JsonFactory JSON = JsonFactory.builder().build();

  public static QuarantinedRecord of(
      Received received, RejectReason reason, String field, String detail) {
    return new QuarantinedRecord(received.origin(), reason.code(), field, detail,
        received.payload(), received.receivedAtMicros());
  }

  public static QuarantinedRecord of(Arrival arrival, RejectReason reason, String field, String detail) {
    return new QuarantinedRecord(arrival.origin(), reason.code(), field, detail, arrival.payload(),
        arrival.receivedAtMicros());
  }

  static void appendJsonString(StringBuilder b, String value) {
    StringWriter out = new StringWriter(value.length() + 16);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    b.append(out);
  }

  /** One JSON line, the shape docs/streaming.md gives for {@code quarantine/stream_ticks}. */
  public String toJson() {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("received_at", receivedAtMicros);
      g.writeStringField("origin", origin);
      g.writeStringField("reason", reason);
      g.writeStringField("field", field);
      g.writeStringField("detail", detail);
      g.writeStringField("raw", raw);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
