package dev.onering.stream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of a process's threads by kind, from Linux's {@code /proc}: for any process, the broker's
 * too, with no profiler attached. Where a phase's CPU went (the JIT compilers, the GC, the job's
 * task, the Pulsar clients, chDB) explains a rate that differs from run to run.
 *
 * <p>HotSpot's {@code C1 CompilerThread0} and {@code C2 CompilerThread0} are the JIT: what a JVM pays
 * before it runs at speed, once. A broker or job that has run for a while has paid it, so the
 * benchmark counts it apart from the work a tick costs. The JVM's own {@code CompilationMXBean} sees
 * only its JVM and counts wall-clock time in the compiler.
 */
final class ThreadCpu {
  private ThreadCpu() {}

  /** The unit of {@code /proc}'s CPU times (USER_HZ), 100 on Linux for every architecture. */
  static final double TICKS_PER_SECOND = 100;

  /** The JIT compilers' group; the kernel keeps 15 characters of a name ("C2 CompilerThre"). */
  static final String JIT = "JIT compiler";

  /** Whether this machine has {@code /proc} to read; elsewhere every figure is 0. */
  static boolean available() {
    return Files.isDirectory(Path.of("/proc/self/task"));
  }

  /**
   * CPU seconds, user and system, of {@code pid}'s threads now, by {@link #group}. A thread that has
   * ended takes its time out of the sums: HotSpot may stop a compiler thread beyond the first of
   * each kind (on two cores there is one of each, which it never stops).
   */
  static Map<String, Double> byGroup(long pid) {
    Map<String, Double> seconds = new HashMap<>();
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path thread : threads) {
        try {
          Stat stat = Stat.parse(Files.readString(thread.resolve("stat")));
          if (stat != null) {
            seconds.merge(group(stat.name()), stat.ticks() / TICKS_PER_SECOND, Double::sum);
          }
        } catch (IOException | UncheckedIOException ended) {
          // The thread ended between the listing and the read.
        }
      }
    } catch (IOException | UncheckedIOException gone) {
      return Map.of();
    }
    return seconds;
  }

  /**
   * What grew between two {@link #byGroup} readings, largest first, groups under {@code minSeconds}
   * left out; a group whose threads ended counts from 0, never below.
   */
  static Map<String, Double> spent(Map<String, Double> before, Map<String, Double> after, double minSeconds) {
    Map<String, Double> spent = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0.0))))
        .filter(e -> e.getValue() >= minSeconds)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> spent.put(e.getKey(), e.getValue()));
    return spent;
  }

  /**
   * A thread's kind from its (truncated) name: the JIT compilers and the GC's threads by HotSpot's
   * names, any other with its numbering taken off ("pulsar-client-io-1-2" and "pulsar-client-io-3-1"
   * are both "pulsar-client-io").
   */
  static String group(String name) {
    if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
      return JIT;
    }
    if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.equals("VM Thread")) {
      return "GC and VM";
    }
    return name.replaceAll("[-# ]*\\d+[-\\d]*$", "");
  }

  /** One {@code /proc/<pid>/task/<tid>/stat} line: the thread's name and its user plus system ticks. */
  record Stat(String name, long ticks) {
    /**
     * The name is in brackets and may hold spaces and brackets itself, so the fields are counted from
     * the last closing bracket: state is the first after it, utime the 12th, stime the 13th (fields 14
     * and 15 of proc(5)). Null for a line that is not one.
     */
    static Stat parse(String line) {
      int open = line.indexOf('(');
      int close = line.lastIndexOf(')');
      if (open < 0 || close < open) {
        return null;
      }
      String[] fields = line.substring(close + 1).trim().split(" +");
      if (fields.length < 13) {
        return null;
      }
      return new Stat(line.substring(open + 1, close), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    }
  }
}
