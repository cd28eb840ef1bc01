package dev.onering.stream.pulsar;

/**
 * The JSON shape of a tick on the ticks topic, field for field the Bronze line that
 * {@link dev.onering.ticks.Tick#toJson()} writes. It exists to register that shape as the topic's
 * schema, so a reader can see what a well-formed message looks like.
 *
 * <p>A mutable class with public fields, not a record: Pulsar's JSON schema derives its Avro
 * definition by reflection over fields and decodes with a no-argument constructor. The field
 * {@code event_time} keeps the wire name because the schema takes Java field names as they are.
 * {@code price} and {@code size} are boxed because the feed does send {@code null} there; the job
 * quarantines such records, the schema must still describe them.
 */
@SuppressWarnings({"checkstyle:MemberName", "checkstyle:VisibilityModifier"})
public final class TickPayload {
  public String symbol;
  public long seq;
  /** Microseconds since the epoch, UTC. */
  public long event_time;
  public Double price;
  public Double size;
  /** {@code buy} or {@code sell}. */
  public String side;
  public String exchange;

  public TickPayload() {}
}
