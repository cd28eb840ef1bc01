package dev.onering.stream.cli;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * Counts what a job on an embedded MiniCluster emits, for the demo's live line. The MiniCluster
 * runs in this JVM, so a static counter is the shortest way from a task to the console.
 */
final class LiveCounts {
  private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private LiveCounts() {}

  static long get(String name) {
    return COUNTS.computeIfAbsent(name, k -> new AtomicLong()).get();
  }

  static void add(String name, long n) {
    COUNTS.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
  }

  static <T> Sink<T> sink(String name) {
    return new CountingSink<>(name);
  }

  private record CountingSink<T>(String name) implements Sink<T> {
    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<T> createWriter(InitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context context) {
          add(name, 1);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }
}
