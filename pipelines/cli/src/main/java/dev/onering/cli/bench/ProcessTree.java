package dev.onering.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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
    Optional<ProcessHandle> handle = ProcessHandle.of(root);
    Optional<String> program = handle.flatMap(h -> h.info().command());
    // The JDK's own walk of the process table (native code): the Java walk it replaced, reading
    // every /proc/<pid>/stat ten times a second, cost the benchmark's own JVM a fifth of a core.
    for (ProcessHandle child : handle.map(h -> h.descendants().toList()).orElse(List.of())) {
      if (counted(child, program)) {
        total += rss(child.pid());
      }
    }
    return total;
  }

  /**
   * Whether a descendant's memory is its own. One still running the root's program is a fork that
   * has not reached its exec yet: the JVM spawns a process for every chmod Hadoop's local file
   * system runs, with vfork, so until the exec the child shares the JVM's address space and /proc
   * shows the JVM's whole PSS under the child's pid too. Caught by a sample, it doubled a 20M
   * run's peak (12.6 GB for a JVM whose own peak was 6.3). Skipping one can only lower a sample,
   * and a peak is the largest of many.
   */
  static boolean counted(ProcessHandle descendant, Optional<String> rootProgram) {
    return rootProgram.isEmpty() || !descendant.info().command().equals(rootProgram);
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
