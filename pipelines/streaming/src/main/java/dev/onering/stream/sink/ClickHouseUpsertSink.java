package dev.onering.stream.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.onering.pipeline.JsonLineWriter;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.stream.StreamEnv;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Upserts rows into a ClickHouse ReplacingMergeTree table. Exactly-once by idempotence rather than
 * by transaction: the rows are a pure function of the job's checkpointed state, so what a restart
 * sends again is the same row under the same key, and the table keeps one. A buffer is flushed
 * every {@code flushMillis}, at every checkpoint and at the end, so a bar is visible within about
 * {@code flushMillis} of its window firing.
 */
public final class ClickHouseUpsertSink<T> implements Sink<T> {

  /** Writes one row's fields in ClickHouse's JSONEachRow format, inside the object the writer opens. */
  public interface RowFormat<T> extends Serializable {
    void write(T value, JsonGenerator g) throws IOException;
  }

  /** Told, in the writer's thread, of each batch of rows once ClickHouse has them. */
  public interface Visibility<T> extends Serializable {
    void visible(List<T> rows, long atMicros);
  }

  private final SilverStoreTarget target;
  private final String table;
  private final RowFormat<T> format;
  private final long flushMillis;
  private final Visibility<T> visibility;

  public ClickHouseUpsertSink(SilverStoreTarget target, String table, RowFormat<T> format,
      long flushMillis, Visibility<T> visibility) {
    this.target = target;
    this.table = table;
    this.format = format;
    this.flushMillis = flushMillis;
    this.visibility = visibility;
  }

  @Override
  @SuppressWarnings("deprecation") // the WriterInitContext overload delegates here in Flink 1.20
  public SinkWriter<T> createWriter(InitContext context) {
    return new Writer(context.getProcessingTimeService());
  }

  private final class Writer implements SinkWriter<T> {
    // In a task manager: its own environment holds the server's credentials, never the job graph.
    private final SilverStore store = target.open(StreamEnv.system());
    private final ProcessingTimeService time;
    private final StringBuilder rows = new StringBuilder(1 << 16);
    private final JsonLineWriter json = new JsonLineWriter();
    private final List<T> pending = new ArrayList<>();

    Writer(ProcessingTimeService time) {
      this.time = time;
      schedule();
    }

    private void schedule() {
      time.registerTimer(time.getCurrentProcessingTime() + flushMillis, now -> {
        send();
        schedule();
      });
    }

    @Override
    public void write(T value, Context context) {
      json.appendLine(rows, g -> format.write(value, g));
      pending.add(value);
      if (pending.size() >= 10_000) {
        send();
      }
    }

    @Override
    public void flush(boolean endOfInput) {
      send();
    }

    private void send() {
      if (pending.isEmpty()) {
        return;
      }
      store.insertJsonEachRow(table, rows.toString());
      if (visibility != null) {
        visibility.visible(List.copyOf(pending), System.currentTimeMillis() * 1_000L);
      }
      rows.setLength(0);
      pending.clear();
    }

    @Override
    public void close() throws IOException {
      store.close();
    }
  }
}
