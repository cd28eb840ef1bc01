package dev.onering.stream.sink;

import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * A sink that hands each record to an action in the task's thread: how a job on an embedded
 * MiniCluster reports to the JVM that runs it (the demo's live counts, the benchmark's clocks).
 * Only for the MiniCluster: on a cluster the action runs in a task manager, not here.
 */
public record ForEachSink<T>(Action<T> action) implements Sink<T> {

  /** What to do with each record; serializable, since it travels with the job graph. */
  @FunctionalInterface
  public interface Action<T> extends Serializable {
    void accept(T record);
  }

  @Override
  @SuppressWarnings("deprecation")
  public SinkWriter<T> createWriter(InitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(T element, Context context) {
        action.accept(element);
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
