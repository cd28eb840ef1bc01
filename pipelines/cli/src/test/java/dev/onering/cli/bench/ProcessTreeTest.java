package dev.onering.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
