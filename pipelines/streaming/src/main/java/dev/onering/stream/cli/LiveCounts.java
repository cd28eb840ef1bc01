package dev.onering.stream.cli;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import dev.onering.stream.sink.ForEachSink;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.util.function.SerializableFunction;

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

  /** Forgets every count: for tests, which share one JVM. */
  static void reset() {
    COUNTS.clear();
  }

  static void add(String name, long n) {
    COUNTS.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
  }

  static <T> Sink<T> sink(String name) {
    return new ForEachSink<T>(record -> add(name, 1));
  }

  /**
   * Counts under {@code name} and, for each element, under {@code name/key}: the report's
   * quarantine by reason, which the console's single count cannot give.
   */
  static <T> Sink<T> sink(String name, SerializableFunction<T, String> key) {
    return new ForEachSink<T>(record -> {
      add(name, 1);
      add(name + "/" + key.apply(record), 1);
    });
  }

  /** The counts under {@code name/...}, by key. */
  static Map<String, Long> byKey(String name) {
    String prefix = name + "/";
    Map<String, Long> out = new TreeMap<>();
    COUNTS.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v.get());
      }
    });
    return out;
  }
}
