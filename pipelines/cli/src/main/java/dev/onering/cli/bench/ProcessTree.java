package dev.onering.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a command and samples the memory of its whole process tree (the JVM and what it starts,
 * such as the embedded Postgres), so a figure covers every process involved. It sums PSS, not RSS:
 * Hadoop forks the JVM to run chmod, and a fork's RSS counts the parent's pages a second time.
 */
final class ProcessTree {
  private ProcessTree() {}

  static final long SAMPLE_MS = 250;

  record Measured(int exitCode, long wallMs, long peakRssBytes) {}

  static Measured run(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    long peak = 0;
    // Four samples a second: a run's peak lasts seconds, and every sample costs the machine both
    // runs share (smaps_rollup walks the page tables of every process in the tree).
    while (!p.waitFor(SAMPLE_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      peak = Math.max(peak, treeRss(p.pid()));
    }
    long wall = (System.nanoTime() - t0) / 1_000_000;
    return new Measured(p.exitValue(), wall, peak);
  }

  /** Sum of proportional set sizes over a process and its descendants, from /proc. */
  static long treeRss(long root) {
    long total = rss(root);
    // The JDK's own walk of the process table (native code): the Java walk it replaced, reading
    // every /proc/<pid>/stat ten times a second, cost the benchmark's own JVM a fifth of a core.
    for (ProcessHandle child : ProcessHandle.of(root).map(h -> h.descendants().toList()).orElse(List.of())) {
      total += rss(child.pid());
    }
    return total;
  }

  private static long rss(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps_rollup"))) {
        if (line.startsWith("Pss:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException gone) {
      // Ended between listing and reading.
    }
    return 0;
  }
}
