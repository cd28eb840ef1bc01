package dev.onering.stream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a JVM's JIT compiler threads (HotSpot's {@code C1 CompilerThread0} and {@code C2
 * CompilerThread0}), from Linux's {@code /proc}: for any process, the broker's too, where the JVM's
 * own {@code CompilationMXBean} sees only its JVM and counts wall-clock time in the compiler.
 *
 * <p>Compilation is what a JVM pays before it runs at speed, once: a broker or job that has run for
 * a while has paid it, so the benchmark counts it apart from the work a tick costs.
 */
final class CompilerThreads {
  private CompilerThreads() {}

  /** The unit of {@code /proc}'s CPU times (USER_HZ), 100 on Linux for every architecture. */
  static final double TICKS_PER_SECOND = 100;

  /** The kernel keeps 15 characters of a thread's name: "C2 CompilerThread0" is "C2 CompilerThre". */
  private static final String C1 = "C1 CompilerThre";
  private static final String C2 = "C2 CompilerThre";

  /** Whether this machine has {@code /proc} to read; elsewhere {@link #cpuSeconds} is always 0. */
  static boolean available() {
    return Files.isDirectory(Path.of("/proc/self/task"));
  }

  /**
   * CPU seconds, user and system, of the compiler threads {@code pid} has now. HotSpot may stop a
   * compiler thread beyond the first of each kind, and its time leaves the sum; on two cores there
   * is one of each, which it never stops.
   */
  static double cpuSeconds(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long ticks = 0;
    try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
      for (Path thread : threads) {
        try {
          ticks += compilerTicks(Files.readString(thread.resolve("stat")));
        } catch (IOException | UncheckedIOException ended) {
          // The thread ended between the listing and the read.
        }
      }
    } catch (IOException | UncheckedIOException gone) {
      return 0;
    }
    return ticks / TICKS_PER_SECOND;
  }

  /**
   * User plus system ticks of one {@code /proc/<pid>/task/<tid>/stat} line if it is a compiler
   * thread's, else 0. The name is in brackets and may hold spaces and brackets itself, so the fields
   * are counted from the last closing bracket: state is the first after it, utime the 12th, stime
   * the 13th (fields 14 and 15 of proc(5)).
   */
  static long compilerTicks(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return 0;
    }
    String name = stat.substring(open + 1, close);
    if (!name.startsWith(C1) && !name.startsWith(C2)) {
      return 0;
    }
    String[] fields = stat.substring(close + 1).trim().split(" +");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
