package dev.onering.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.serving.clickhouse.ChangelogApplier;
import dev.onering.serving.clickhouse.SilverStore;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.pulsar.PulsarBrokerExtension;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.sink.SilverStoreTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark end to end at a tiny size, so `make bench-stream` cannot rot between benchmark
 * runs; its timings mean nothing here. A broker of its own: the job reads the ticks topic from the
 * earliest message, and other classes publish there.
 */
class StreamBenchSmokeTest {
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.perClass();

  @Test
  void everyPhaseRunsAndTheFiguresHoldTogether(@TempDir Path lake, @TempDir Path chdb, @TempDir Path checkpoints) throws Exception {
    // Four days: two warm up the job, then the last two are measured.
    SimulationConfig config = SimulationConfig.defaults().withSize(6, 4, 400);
    SilverStoreTarget target = SilverStoreTarget.chdb(chdb);
    try (SilverStore store = target.openEmbedded()) {
      store.migrate(ChangelogApplier.locateDefaultChangelog());
    }
    var days = StreamBench.simulate(config);
    int lastWarmUpDay = days.get(1).lines().size();
    int timedDay = days.get(2).lines().size();
    int pacedDay = days.get(3).lines().size();

    StreamBench.Result r = new StreamBench(new StreamBench.Settings(config, 2_000, 1, lake, target,
        TickPublisher.Settings.LINES_PER_MESSAGE_DEFAULT, checkpoints), m -> { }).run(PULSAR.serviceUrl(), PULSAR.adminUrl(), PULSAR.broker().pid());

    assertThat(r.broker().ticks()).isEqualTo(timedDay);
    assertThat(r.broker().perSecond()).isPositive();
    assertThat(r.broker().cpuSeconds()).isPositive();
    // The yardstick packs lines as the job's publisher does; the one-line reference counts the same lines.
    assertThat(r.brokerOneLine().ticks()).isEqualTo(timedDay);
    assertThat(r.brokerOneLine().cpuSeconds()).isPositive();
    // The paced yardstick is the paced day, at the paced rate (2,000 ticks/s here): it cannot go faster.
    assertThat(r.brokerPaced().ticks()).isEqualTo(pacedDay);
    assertThat(r.brokerPaced().perSecond()).isPositive().isLessThan(2_000 * 1.1);
    assertThat(r.brokerPaced().jitCpuSeconds()).isNotNegative().isLessThanOrEqualTo(r.brokerPaced().cpuSeconds());
    // Closed bars count trades: of the timed day, and the last warm-up day's last minutes it closes.
    assertThat(r.job().ticks()).isPositive().isLessThan(lastWarmUpDay + timedDay);
    assertThat(r.job().jitCpuSeconds()).isNotNegative().isLessThanOrEqualTo(r.job().cpuSeconds());
    if (ThreadCpu.available()) {
      // The job's task and the broker's threads worked; no kind of thread spent more than both JVMs did.
      assertThat(r.jobThreads().keySet()).anyMatch(group -> group.startsWith("broker: "))
          .anyMatch(group -> !group.startsWith("broker: "));
      assertThat(r.jobThreads().values()).allMatch(seconds -> seconds > 0 && seconds <= r.job().cpuSeconds() + 0.05);
    }
    assertThat(r.pacedCost().jitCpuSeconds()).isNotNegative().isLessThanOrEqualTo(r.pacedCost().cpuSeconds());
    assertThat(r.job().perSecond()).isPositive();
    assertThat(r.paced().minutes()).isPositive();
    assertThat(r.paced().p50()).isPositive().isLessThanOrEqualTo(r.paced().p99());
    assertThat(r.paced().p99()).isLessThanOrEqualTo(r.paced().max());
    assertThat(r.pacedCost().ticks()).isEqualTo(pacedDay);
    assertThat(r.pacedCost().cpuSeconds()).isPositive();
    assertThat(r.quarantined()).isPositive();
    assertThat(r.refiredBars()).as("no minute's first bar twice: the job ran without a restart").isZero();
  }
}
