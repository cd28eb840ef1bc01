package dev.onering.stream.pulsar;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A message on the ticks topic holds one or more Bronze lines, joined by {@code \n} with no newline
 * after the last: a slice of a Bronze {@code .jsonl} file, bytes for bytes. A producer that sends
 * one line per message (the stack's ingestors) writes the same format with one line.
 *
 * <p>Why pack: Pulsar's costs are per message, not per byte (profiled: the client's batching,
 * acknowledgements and unpacking on both sides of the broker, and the broker's own per-entry work,
 * were most of a tick's CPU), so {@code n} lines in a message divide them by {@code n}.
 *
 * <p>Lines are split exactly as they were joined: an empty line is a line (the job quarantines
 * it), and a message ending in a newline ends with an empty line. {@code \n} never occurs inside a
 * multi-byte UTF-8 sequence, so the split works on the bytes.
 */
public final class PackedLines {
  private PackedLines() {}

  /** Receives each line of a message with its 1-based number in the message. */
  @FunctionalInterface
  public interface LineConsumer {
    void accept(String line, int number);
  }

  /** Calls {@code consumer} for each line of {@code payload}, in order; returns how many there were. */
  public static int forEachLine(byte[] payload, LineConsumer consumer) {
    int number = 0;
    int from = 0;
    for (int i = 0; i <= payload.length; i++) {
      if (i == payload.length || payload[i] == '\n') {
        consumer.accept(new String(payload, from, i - from, StandardCharsets.UTF_8), ++number);
        from = i + 1;
      }
    }
    return number;
  }

  /** How many lines {@code payload} holds, without decoding them. */
  public static int count(byte[] payload) {
    int n = 1;
    for (byte b : payload) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  /** Lines being packed into one message, in order. Not thread-safe. */
  static final class Builder {
    private byte[] buffer = new byte[4_096];
    private int length;
    private int lines;
    private long lineBytes;
    private String key;
    private long firstAddedNanos;

    /**
     * @param key the line's message key, or null; the message takes the first non-null one (every
     *     keyed line of a message maps to one partition, so any of them routes it there)
     */
    void add(byte[] line, String key, long nowNanos) {
      if (lines == 0) {
        firstAddedNanos = nowNanos;
      }
      int need = length + line.length + (lines > 0 ? 1 : 0);
      if (need > buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.max(need, buffer.length * 2));
      }
      if (lines > 0) {
        buffer[length++] = '\n';
      }
      System.arraycopy(line, 0, buffer, length, line.length);
      length += line.length;
      lines++;
      lineBytes += line.length;
      if (this.key == null) {
        this.key = key;
      }
    }

    int lines() {
      return lines;
    }

    /** The lines' own bytes, newlines not counted. */
    long lineBytes() {
      return lineBytes;
    }

    int bytes() {
      return length;
    }

    String key() {
      return key;
    }

    long firstAddedNanos() {
      return firstAddedNanos;
    }

    /** The message's payload; then empty again. */
    byte[] take() {
      byte[] payload = Arrays.copyOf(buffer, length);
      length = 0;
      lines = 0;
      lineBytes = 0;
      key = null;
      return payload;
    }
  }
}
