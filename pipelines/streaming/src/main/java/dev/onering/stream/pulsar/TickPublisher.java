package dev.onering.stream.pulsar;

import dev.onering.instruments.ReferenceData;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.TickParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * Sends Bronze lines to the ticks topic as they are, bytes for bytes, malformed ones included: the
 * job quarantines them, so it must receive them.
 *
 * <p>Message key = symbol, so each symbol's ticks land in one partition and keep their arrival
 * order. Sends are asynchronous and batched; at most {@link Settings#maxPending()} are in flight,
 * after which {@link #send} blocks. {@link #finish()} flushes and waits for every acknowledgement.
 */
public final class TickPublisher implements AutoCloseable {

  /**
   * @param ratePerSecond ticks per second to pace at; 0 or less sends as fast as the broker takes them
   * @param maxPending sends in flight before {@link #send} blocks
   */
  public record Settings(String topic, double ratePerSecond, int maxPending) {
    public static final int MAX_PENDING_DEFAULT = 10_000;

    public static Settings defaults() {
      return new Settings(StreamTopics.TICKS, 0, MAX_PENDING_DEFAULT);
    }

    public Settings withTopic(String t) {
      return new Settings(t, ratePerSecond, maxPending);
    }

    public Settings withRate(double r) {
      return new Settings(topic, r, maxPending);
    }

    public Settings withMaxPending(int n) {
      return new Settings(topic, ratePerSecond, n);
    }
  }

  /**
   * What was sent.
   *
   * @param ticks lines the broker acknowledged
   * @param bytes their payload bytes
   */
  public record Result(String topic, long ticks, long bytes, double seconds, double ticksPerSecond) {}

  private final Producer<byte[]> producer;
  private final Settings settings;
  private final TickParser parser = new TickParser(ReferenceData.standard());
  private final PublishTimeline timeline = new PublishTimeline();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong ackedBytes = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final long intervalNanos;
  private long startNanos = -1;

  private TickPublisher(Producer<byte[]> producer, Settings settings) {
    this.producer = producer;
    this.settings = settings;
    this.intervalNanos = settings.ratePerSecond() > 0 ? Math.max(1, (long) (1e9 / settings.ratePerSecond())) : 0;
  }

  /** Opens a producer on the settings' topic. The client stays the caller's to close. */
  public static TickPublisher open(PulsarClient client, Settings settings) throws PulsarClientException {
    if (settings.maxPending() < 1) {
      throw new IllegalArgumentException("max pending must be at least 1, got " + settings.maxPending());
    }
    // Schema.BYTES: the topic's JSON schema describes well-formed ticks, but this producer must
    // also carry the lines that are not; the namespace does not enforce schemas (StreamTopics).
    Producer<byte[]> producer = client.newProducer(Schema.BYTES)
        .topic(settings.topic())
        .enableBatching(true)
        // A few milliseconds of batching is invisible next to one-minute windows and multiplies
        // throughput; LZ4 halves the bytes of JSON lines at little CPU.
        .batchingMaxPublishDelay(5, TimeUnit.MILLISECONDS)
        .batchingMaxMessages(1_000)
        .compressionType(CompressionType.LZ4)
        .maxPendingMessages(settings.maxPending())
        .blockIfQueueFull(true)
        .sendTimeout(60, TimeUnit.SECONDS)
        .create();
    return new TickPublisher(producer, settings);
  }

  /** Sends every line of a source, then flushes and waits for the broker. */
  public Result publish(TickSources.LineSource source) throws Exception {
    source.forEach(this::send);
    return finish();
  }

  /** Sends one line (pacing to the rate, blocking while too many are in flight). */
  public void send(String line) throws PulsarClientException {
    long now = System.nanoTime();
    if (startNanos < 0) {
      startNanos = now;
    }
    long n = sent.get();
    if (intervalNanos > 0) {
      long due = startNanos + n * intervalNanos;
      // Sleep only when more than a millisecond ahead: parking is coarse, and at high rates a
      // short burst keeps the average exact.
      if (due - now > 1_000_000) {
        LockSupport.parkNanos(due - now);
      }
    }
    byte[] payload = line.getBytes(StandardCharsets.UTF_8);
    TypedMessageBuilder<byte[]> message = producer.newMessage().value(payload);
    String key = keyOf(line);
    if (key != null) {
      message.key(key);
    }
    Throwable failure = firstFailure.get();
    if (failure != null) {
      throw new PulsarClientException("sending to " + settings.topic() + " failed after " + acked.get()
          + " acknowledged ticks: " + failure.getMessage(), failure);
    }
    long sentAt = PublishTimeline.nowMicros();
    message.sendAsync().whenComplete((id, error) -> {
      if (error != null) {
        failed.incrementAndGet();
        firstFailure.compareAndSet(null, error);
      } else {
        acked.incrementAndGet();
        ackedBytes.addAndGet(payload.length);
      }
    });
    sent.incrementAndGet();
    // Only a line that could cross the timeline's next minute is parsed: the parse is most of a
    // send's cost, and the job reads the event time from the line itself.
    if (timeline.wouldMove(scanEventTime(line))) {
      long eventTime = eventTimeOf(line);
      if (eventTime != Long.MIN_VALUE) {
        timeline.observe(eventTime, sentAt);
      }
    }
  }

  /** Flushes, waits for every acknowledgement and returns the totals. */
  public Result finish() throws PulsarClientException {
    producer.flush();
    // flush() returns when the last batch is acknowledged; callbacks may still be running.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.get() + failed.get() < sent.get() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(1_000_000);
    }
    double seconds = startNanos < 0 ? 0 : (System.nanoTime() - startNanos) / 1e9;
    if (failed.get() > 0 || acked.get() < sent.get()) {
      Throwable cause = firstFailure.get();
      throw new PulsarClientException(String.format("%,d of %,d ticks were not acknowledged by %s: %s",
          sent.get() - acked.get(), sent.get(), settings.topic(), cause == null ? "timed out" : cause.getMessage()),
          cause);
    }
    return new Result(settings.topic(), acked.get(), ackedBytes.get(), seconds,
        seconds > 0 ? acked.get() / seconds : 0);
  }

  /** Lines handed to the client so far. */
  public long sent() {
    return sent.get();
  }

  /** Lines the broker acknowledged so far. */
  public long acknowledged() {
    return acked.get();
  }

  public long acknowledgedBytes() {
    return ackedBytes.get();
  }

  public PublishTimeline timeline() {
    return timeline;
  }

  public void writeTimeline(Path file) throws java.io.IOException {
    timeline.write(file, settings.topic());
  }

  @Override
  public void close() throws PulsarClientException {
    producer.close();
  }

  /**
   * The message key: the symbol of a JSON line, or the first field of a CSV row that strayed into
   * the feed; null when the line is too broken to tell (such a line goes to any partition).
   */
  static String keyOf(String line) {
    String field = "\"symbol\":\"";
    int at = line.indexOf(field);
    if (at >= 0) {
      int from = at + field.length();
      int end = line.indexOf('"', from);
      return end > from ? line.substring(from, end) : null;
    }
    int comma = line.indexOf(',');
    if (comma > 0 && !line.startsWith("{")) {
      return line.substring(0, comma).strip();
    }
    return null;
  }

  /**
   * The number after {@code "event_time":}, or Long.MIN_VALUE: a cheap look that agrees with the
   * parser on every line the parser accepts.
   */
  static long scanEventTime(String line) {
    String field = "\"event_time\":";
    int at = line.indexOf(field);
    if (at < 0) {
      return Long.MIN_VALUE;
    }
    int i = at + field.length();
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    int from = i;
    if (i < line.length() && line.charAt(i) == '-') {
      i++;
    }
    while (i < line.length() && Character.isDigit(line.charAt(i))) {
      i++;
    }
    try {
      return i > from ? Long.parseLong(line, from, i, 10) : Long.MIN_VALUE;
    } catch (NumberFormatException e) {
      return Long.MIN_VALUE;
    }
  }

  /**
   * The event time of a line that passes the record-level cleaning rules, or Long.MIN_VALUE: only
   * such lines can move the job's watermark, so only they count in the timeline.
   */
  private long eventTimeOf(String line) {
    return parser.parse(line, null) instanceof ParsedTick.Accepted a ? a.tick().eventTimeMicros() : Long.MIN_VALUE;
  }
}
