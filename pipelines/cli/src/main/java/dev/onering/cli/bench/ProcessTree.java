package dev.onering.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs a command and samples the memory of its whole process tree (the JVM and what it starts,
 * such as the embedded Postgres), so a figure covers every process involved. It sums PSS, not RSS:
 * Hadoop forks the JVM to run chmod, and a fork's RSS counts the parent's pages a second time.
 */
final class ProcessTree {
  private ProcessTree() {}

  record Measured(int exitCode, long wallMs, long peakRssBytes) {}

  static Measured run(List<String> command, Path log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    long peak = 0;
    while (!p.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
      peak = Math.max(peak, treeRss(p.pid()));
    }
    long wall = (System.nanoTime() - t0) / 1_000_000;
    return new Measured(p.exitValue(), wall, peak);
  }

  /** Sum of proportional set sizes over a process and its descendants, from /proc. */
  static long treeRss(long root) {
    Map<Long, List<Long>> children = new HashMap<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String stat = Files.readString(proc.resolve("stat"));
          // Fields after the command name, which is in parentheses and may hold spaces.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          children.computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>()).add(Long.parseLong(name));
        } catch (IOException | RuntimeException gone) {
          // The process ended while we looked.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    long total = 0;
    Deque<Long> todo = new ArrayDeque<>(List.of(root));
    Set<Long> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      if (!seen.add(pid)) {
        continue;
      }
      total += rss(pid);
      todo.addAll(children.getOrDefault(pid, List.of()));
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
