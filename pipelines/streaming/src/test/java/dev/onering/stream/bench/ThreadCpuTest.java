package dev.onering.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

  @Test
  void aStatLineGivesTheThreadsNameAndItsUserAndSystemTicks() {
    // proc(5): utime and stime are fields 14 and 15; the name may hold spaces and brackets.
    var stat = ThreadCpu.Stat.parse("4242 (C2 CompilerThre) S 1 4200 4200 0 -1 1077936192 9 0 0 0 1234 56 0 0 20 0 80");
    assertThat(stat).isEqualTo(new ThreadCpu.Stat("C2 CompilerThre", 1234 + 56));
    assertThat(ThreadCpu.Stat.parse("7 (odd (name) x) R 1 2 3 0 -1 0 0 0 0 0 500 60 0 0 20 0 1").ticks()).isEqualTo(560);
    assertThat(ThreadCpu.Stat.parse("garbage")).isNull();
  }

  @Test
  void threadsAreGroupedByKindWithTheirNumberingTakenOff() {
    assertThat(ThreadCpu.group("C1 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.group("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT);
    assertThat(ThreadCpu.group("GC Thread#1")).isEqualTo(ThreadCpu.group("G1 Conc#0")).isEqualTo("GC and VM");
    assertThat(ThreadCpu.group("pulsar-client-i")).isEqualTo("pulsar-client-i");
    assertThat(ThreadCpu.group("pulsar-timer-4-")).isEqualTo("pulsar-timer");
    assertThat(ThreadCpu.group("bookie-io-7-1")).isEqualTo("bookie-io");
    assertThat(ThreadCpu.group("Source: pulsar-")).isEqualTo("Source: pulsar-");
  }

  @Test
  void whatWasSpentIsTheGrowthLargestFirstWithEndedThreadsNeverBelowZero() {
    var spent = ThreadCpu.spent(Map.of("a", 1.0, "b", 5.0, "gone", 3.0), Map.of("a", 4.0, "b", 5.5, "new", 2.0, "gone", 1.0),
        0.1);
    assertThat(spent).containsExactly(Map.entry("a", 3.0), Map.entry("new", 2.0), Map.entry("b", 0.5));
  }

  @Test
  void thisJvmsCompilersHaveWorkedAndUsedLessThanTheWholeProcess() {
    assumeThat(ThreadCpu.available()).as("Linux only: /proc").isTrue();
    long pid = ProcessHandle.current().pid();
    var byGroup = ThreadCpu.byGroup(pid);
    double compilers = byGroup.getOrDefault(ThreadCpu.JIT, 0.0);
    double threads = byGroup.values().stream().mapToDouble(Double::doubleValue).sum();
    double process = ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
    // A JVM that has run JUnit has compiled something; its compilers are part of its threads' time,
    // and its live threads' time is at most the process's (which keeps that of ended threads too).
    assertThat(compilers).isPositive().isLessThan(threads);
    assertThat(threads).isLessThanOrEqualTo(process + 0.05);
  }
}
