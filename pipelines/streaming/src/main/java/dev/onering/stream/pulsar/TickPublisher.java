package dev.onering.stream.pulsar;

import dev.onering.instruments.ReferenceData;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.TickParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.pulsar.client.api.CompressionType;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageRouter;
import org.apache.pulsar.client.api.MessageRoutingMode;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.TopicMetadata;
import org.apache.pulsar.client.api.TypedMessageBuilder;

/**
 * Sends Bronze lines to the ticks topic as they are, bytes for bytes, malformed ones included: the
 * job quarantines them, so it must receive them.
 *
 * <p>Each symbol's lines go to one partition ({@link #partitionOf}: Pulsar's own choice for a
 * message keyed by the symbol), in the order they were given. Lines bound for one partition are
 * packed into one message ({@link PackedLines}) of up to {@link Settings#linesPerMessage()} lines,
 * sent when full or {@link #PACK_DELAY} after its first line: Pulsar's costs are per message, so
 * this divides them by the lines per message. A message's key is its first keyed line's symbol.
 * With one line per message, the client's own batching (5 ms) does the grouping instead, as before.
 * At most {@link Settings#maxPending()} messages are in flight, after which {@link #send} blocks.
 * {@link #finish()} sends what is packed, flushes and waits for every acknowledgement.
 */
public final class TickPublisher implements AutoCloseable {

  /**
   * @param ratePerSecond ticks per second to pace at; 0 or less sends as fast as the broker takes them
   * @param maxPending messages in flight before {@link #send} blocks
   * @param linesPerMessage the most lines packed into one message; 1 sends each line on its own
   */
  public record Settings(String topic, double ratePerSecond, int maxPending, int linesPerMessage) {
    public static final int MAX_PENDING_DEFAULT = 10_000;
    /**
     * At 20,000 ticks/s over four partitions a message fills for the {@link #PACK_DELAY} with about
     * 25 lines; 100 bounds a message (about 12 KB) when the publisher runs as fast as it can.
     */
    public static final int LINES_PER_MESSAGE_DEFAULT = 100;

    public static Settings defaults() {
      return new Settings(StreamTopics.TICKS, 0, MAX_PENDING_DEFAULT, LINES_PER_MESSAGE_DEFAULT);
    }

    public Settings withTopic(String t) {
      return new Settings(t, ratePerSecond, maxPending, linesPerMessage);
    }

    public Settings withRate(double r) {
      return new Settings(topic, r, maxPending, linesPerMessage);
    }

    public Settings withMaxPending(int n) {
      return new Settings(topic, ratePerSecond, n, linesPerMessage);
    }

    public Settings withLinesPerMessage(int n) {
      return new Settings(topic, ratePerSecond, maxPending, n);
    }
  }

  /**
   * How long a packed message waits for more lines after its first: invisible next to one-minute
   * windows, and the same as the client's own batching delay it replaces.
   */
  public static final Duration PACK_DELAY = Duration.ofMillis(5);

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
  private final AtomicLong ackedMessages = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
  private final long intervalNanos;
  private long startNanos = -1;
  /** Per partition, the message being packed; guarded by {@code this}. Null with one line per message. */
  private final PackedLines.Builder[] packs;
  /** The partition of the last keyed line: a line with no key joins it. */
  private int lastPartition;
  private final ScheduledExecutorService packTimer;
  private final ScheduledFuture<?> packFlusher;

  private TickPublisher(Producer<byte[]> producer, Settings settings, int partitions) {
    this.producer = producer;
    this.settings = settings;
    this.intervalNanos = settings.ratePerSecond() > 0 ? Math.max(1, (long) (1e9 / settings.ratePerSecond())) : 0;
    if (settings.linesPerMessage() > 1) {
      packs = new PackedLines.Builder[partitions];
      for (int p = 0; p < partitions; p++) {
        packs[p] = new PackedLines.Builder();
      }
      // A partition whose lines stop (its markets closed, or the publisher paused) must not hold
      // its last message back: the job's watermark waits for it.
      packTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tick-publisher-packs");
        t.setDaemon(true);
        return t;
      });
      long period = PACK_DELAY.toNanos();
      packFlusher = packTimer.scheduleAtFixedRate(this::sendDuePacks, period, period, TimeUnit.NANOSECONDS);
    } else {
      packs = null;
      packTimer = null;
      packFlusher = null;
    }
  }

  /** Opens a producer on the settings' topic. The client stays the caller's to close. */
  public static TickPublisher open(PulsarClient client, Settings settings) throws PulsarClientException {
    if (settings.maxPending() < 1) {
      throw new IllegalArgumentException("max pending must be at least 1, got " + settings.maxPending());
    }
    if (settings.linesPerMessage() < 1) {
      throw new IllegalArgumentException("lines per message must be at least 1, got " + settings.linesPerMessage());
    }
    int partitions;
    try {
      partitions = Math.max(1, client.getPartitionsForTopic(settings.topic()).get(60, TimeUnit.SECONDS).size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PulsarClientException("interrupted while reading the partitions of " + settings.topic());
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new PulsarClientException("cannot read the partitions of " + settings.topic() + " (" + e.getMessage()
          + "); is the broker up at the client's service URL?");
    }
    boolean packing = settings.linesPerMessage() > 1;
    // Schema.BYTES: the topic's JSON schema describes well-formed ticks, but this producer must
    // also carry the lines that are not; the namespace does not enforce schemas (StreamTopics).
    Producer<byte[]> producer = client.newProducer(Schema.BYTES)
        .topic(settings.topic())
        // Routed by partitionOf, the function the packing groups lines by, so the two cannot differ.
        .messageRoutingMode(MessageRoutingMode.CustomPartition)
        .messageRouter(new KeyRouter())
        // Packed messages are the batch: the client's batching would only add its delay. One line
        // per message needs it: a few milliseconds multiply throughput.
        .enableBatching(!packing)
        .batchingMaxPublishDelay(PACK_DELAY.toMillis(), TimeUnit.MILLISECONDS)
        .batchingMaxMessages(1_000)
        // LZ4 halves the bytes of JSON lines at little CPU.
        .compressionType(CompressionType.LZ4)
        .maxPendingMessages(settings.maxPending())
        .blockIfQueueFull(true)
        .sendTimeout(60, TimeUnit.SECONDS)
        .create();
    return new TickPublisher(producer, settings, partitions);
  }

  /**
   * The partition a symbol's lines go to: what Pulsar's default router picks for a message with
   * this key ({@code JavaStringHash}: the string's hash, sign bit cleared, modulo the partitions),
   * so a producer that sends one line per message with the symbol as key (the stack's ingestors)
   * puts each symbol where this one does.
   */
  public static int partitionOf(String key, int partitions) {
    return (key.hashCode() & Integer.MAX_VALUE) % partitions;
  }

  /** Keyed messages by {@link #partitionOf}; a message with no key goes to the partitions in turn. */
  static final class KeyRouter implements MessageRouter {
    private static final long serialVersionUID = 1L;
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int choosePartition(Message<?> msg, TopicMetadata metadata) {
      int n = metadata.numPartitions();
      return msg.hasKey() ? partitionOf(msg.getKey(), n) : Math.floorMod(next.getAndIncrement(), n);
    }
  }

  /** Sends every line of a source, then flushes and waits for the broker. */
  public Result publish(TickSources.LineSource source) throws Exception {
    source.forEach(this::send);
    return finish();
  }

  /** Sends one line (pacing to the rate, blocking while too many messages are in flight). */
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
        now = System.nanoTime();
      }
    }
    Throwable failure = firstFailure.get();
    if (failure != null) {
      throw new PulsarClientException("sending to " + settings.topic() + " failed after " + acked.get()
          + " acknowledged ticks: " + failure.getMessage(), failure);
    }
    byte[] payload = line.getBytes(StandardCharsets.UTF_8);
    String key = keyOf(line);
    // The instant the line is handed over, before it waits in a pack: the bar delay counts the wait.
    long sentAt = PublishTimeline.nowMicros();
    if (packs == null) {
      sendMessage(payload, key, 1, payload.length);
    } else {
      synchronized (this) {
        int p = key == null ? lastPartition : partitionOf(key, packs.length);
        lastPartition = p;
        PackedLines.Builder pack = packs[p];
        pack.add(payload, key, now);
        if (pack.lines() >= settings.linesPerMessage()) {
          sendPack(pack);
        }
      }
    }
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

  /** Sends every pack whose first line has waited {@link #PACK_DELAY}; the pack timer's task. */
  private synchronized void sendDuePacks() {
    long due = System.nanoTime() - PACK_DELAY.toNanos();
    for (PackedLines.Builder pack : packs) {
      if (pack.lines() > 0 && pack.firstAddedNanos() - due <= 0) {
        sendPack(pack);
      }
    }
  }

  private synchronized void sendAllPacks() {
    if (packs != null) {
      for (PackedLines.Builder pack : packs) {
        if (pack.lines() > 0) {
          sendPack(pack);
        }
      }
    }
  }

  /** Under the lock, so a partition's messages leave in the order their lines came. */
  private void sendPack(PackedLines.Builder pack) {
    int lines = pack.lines();
    long lineBytes = pack.lineBytes();
    String key = pack.key();
    sendMessage(pack.take(), key, lines, lineBytes);
  }

  private void sendMessage(byte[] payload, String key, int lines, long lineBytes) {
    TypedMessageBuilder<byte[]> message = producer.newMessage().value(payload);
    if (key != null) {
      message.key(key);
    }
    message.sendAsync().whenComplete((id, error) -> {
      if (error != null) {
        failed.addAndGet(lines);
        firstFailure.compareAndSet(null, error);
      } else {
        acked.addAndGet(lines);
        ackedBytes.addAndGet(lineBytes);
        ackedMessages.incrementAndGet();
      }
    });
  }

  /** Sends what is packed, flushes, waits for every acknowledgement and returns the totals. */
  public Result finish() throws PulsarClientException {
    sendAllPacks();
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

  /** Lines handed to the publisher so far (some may still wait in a packed message). */
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

  /** Messages the broker acknowledged so far: the lines packed into them are {@link #acknowledged()}. */
  public long acknowledgedMessages() {
    return ackedMessages.get();
  }

  public PublishTimeline timeline() {
    return timeline;
  }

  public void writeTimeline(Path file) throws java.io.IOException {
    timeline.write(file, settings.topic());
  }

  /** Closes the producer; lines still packed and not {@link #finish() finished} are not sent. */
  @Override
  public void close() throws PulsarClientException {
    if (packTimer != null) {
      packFlusher.cancel(false);
      packTimer.shutdownNow();
    }
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
