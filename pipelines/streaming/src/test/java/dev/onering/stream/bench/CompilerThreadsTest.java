package dev.onering.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class CompilerThreadsTest {

  @Test
  void aCompilerThreadsLineGivesItsUserAndSystemTicks() {
    // proc(5): utime and stime are fields 14 and 15; the name may hold spaces and brackets.
    String stat = "4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 9 0 0 0 1234 56 0 0 20 0 80 0 1 2 3";
    assertThat(CompilerThreads.compilerTicks(stat)).isEqualTo(1234 + 56);
    assertThat(CompilerThreads.compilerTicks(stat.replace("C2", "C1"))).isEqualTo(1234 + 56);
  }

  @Test
  void anyOtherThreadCountsNothing() {
    assertThat(CompilerThreads.compilerTicks("7 (pulsar-io (x)) R 1 2 3 0 -1 0 0 0 0 0 500 60 0 0 20 0 1 0 1 2 3"))
        .isZero();
    assertThat(CompilerThreads.compilerTicks("garbage")).isZero();
  }

  @Test
  void thisJvmsCompilersHaveWorkedAndUsedLessThanTheWholeProcess() {
    assumeTrue(CompilerThreads.available(), "Linux only: /proc");
    long pid = ProcessHandle.current().pid();
    double compilers = CompilerThreads.cpuSeconds(pid);
    double all = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    // A JVM that has run JUnit has compiled something, and its compilers are a part of its CPU.
    assertThat(compilers).isPositive().isLessThan(all + 0.01);
  }
}
