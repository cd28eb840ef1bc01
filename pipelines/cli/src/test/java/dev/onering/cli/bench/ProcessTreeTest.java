package dev.onering.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTreeTest {

  /** A grandchild's memory counts: the embedded Postgres is the JVM's child, as this Python is the shell's. */
  @Test
  void thePeakCoversTheWholeTree(@TempDir Path dir) throws Exception {
    long bytes = 300L << 20;
    // The shell waits on its child, so the memory is a descendant's, never the root's own.
    String python = "x = bytearray(" + bytes + "); x[::4096] = b'\\x01' * len(x[::4096]); import time; time.sleep(2)";
    ProcessTree.Measured m = ProcessTree.run(List.of("bash", "-c", "python3 -c \"" + python + "\"; true"),
        dir.resolve("log"));
    assertThat(m.exitCode()).isZero();
    assertThat(m.peakRssBytes()).as(Files.readString(dir.resolve("log"))).isGreaterThanOrEqualTo(bytes);
    assertThat(m.wallMs()).isGreaterThanOrEqualTo(2000);
  }

  /**
   * A fork that has not exec'd (here a subshell, a copy of the shell) is not counted, so a JVM's
   * spawn caught before its exec cannot count the JVM twice; a child running its own program is.
   */
  @Test
  void aForkStillRunningTheRootsProgramIsNotCountedAChildWithItsOwnIs(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    Process root = new ProcessBuilder("bash", "-c", "( read -r _ < '" + fifo + "' ) & sleep 30 & wait").start();
    try {
      ProcessHandle shell = root.toHandle();
      List<ProcessHandle> children = waitForChildren(shell, 2);
      Optional<String> program = shell.info().command();
      assertThat(program).isPresent();
      ProcessHandle subshell = children.stream().filter(c -> c.info().command().equals(program)).findFirst().orElseThrow();
      ProcessHandle sleep = children.stream().filter(c -> !c.equals(subshell)).findFirst().orElseThrow();
      assertThat(ProcessTree.counted(subshell, program)).isFalse();
      assertThat(ProcessTree.counted(sleep, program)).isTrue();
      assertThat(sleep.info().command().orElseThrow()).endsWith("sleep");
    } finally {
      root.descendants().forEach(ProcessHandle::destroy);
      root.destroy();
    }
  }

  private static List<ProcessHandle> waitForChildren(ProcessHandle parent, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<ProcessHandle> children = parent.children().toList();
    // The sleep's command shows once it has exec'd; until then it too is a copy of the shell.
    while ((children.size() < n || children.stream().noneMatch(c -> c.info().command().orElse("").endsWith("sleep")))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      children = parent.children().toList();
    }
    assertThat(children).hasSize(n);
    return children;
  }
}
