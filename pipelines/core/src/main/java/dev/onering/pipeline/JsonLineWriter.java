package dev.onering.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * One JSON object at a time, written by jackson's generator into a {@link StringBuilder}: the
 * lines and rows made per record (the simulator's ticks, ClickHouse's JSONEachRow rows, the stream's
 * late trades), where a mapper per value would cost more than the value and concatenation would get
 * the escaping wrong. The generator and its buffers are reused, so an instance belongs to one
 * thread; {@link #line} makes a one-off line.
 */
public final class JsonLineWriter {

  /** Writes an object's fields, between the braces the writer adds. */
  @FunctionalInterface
  public interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  private final Target target = new Target();
  private final JsonGenerator generator;

  public JsonLineWriter() {
    try {
      generator = FACTORY.createGenerator(target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Objects follow one another with nothing between them; the caller adds newlines.
    generator.setRootValueSeparator(null);
  }

  /** Appends one object to {@code out}. */
  public StringBuilder append(StringBuilder out, Fields fields) {
    target.out = out;
    try {
      generator.writeStartObject();
      fields.write(generator);
      generator.writeEndObject();
      generator.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      target.out = null;
    }
    return out;
  }

  /** Appends one object and a newline: a JSON line, a row of JSONEachRow. */
  public StringBuilder appendLine(StringBuilder out, Fields fields) {
    return append(out, fields).append('\n');
  }

  /** One object as a string, with a writer of its own. */
  public static String line(Fields fields) {
    return new JsonLineWriter().append(new StringBuilder(128), fields).toString();
  }

  /** Where the generator's characters go: the builder of the object being written. */
  private static final class Target extends Writer {
    private StringBuilder out;

    @Override
    public void write(char[] chars, int offset, int length) {
      out.append(chars, offset, length);
    }

    @Override
    public void write(String s, int offset, int length) {
      out.append(s, offset, offset + length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
