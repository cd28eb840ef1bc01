package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.instruments.Instrument;
import dev.onering.instruments.ReferenceData;
import dev.onering.simulator.MarketSimulator;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.pulsar.PulsarBrokerExtension;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.sink.ForEachSink;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.ticks.Tick;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The case docs/streaming.md tells: a running job goes idle after a day's ticks, then a second day
 * is replayed into it as fast as the broker takes it. With idleness judged on the wall clock alone,
 * the partition that resumed a few milliseconds after another was a minute of event time behind
 * and most of its trades went to the late output. Here the feed has no late trades at all (no
 * defects), so every trade must be in a closed bar and none in the late output.
 *
 * <p>A broker of its own: the job reads the fixed ticks topic from its earliest message.
 */
class ReplayIntoIdleJobTest {
  @RegisterExtension static final PulsarBrokerExtension PULSAR = PulsarBrokerExtension.perClass();

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final AtomicLong CLOSED_TRADES = new AtomicLong();
  static final AtomicLong LATE = new AtomicLong();

  @Test
  void aDayReplayedIntoAJobThatWentIdleLosesNoTradeToTheLateOutput(@TempDir Path lake) throws Exception {
    // Twelve symbols spread over the four partitions; two days, no defects: nothing is late.
    SimulationConfig config = SimulationConfig.defaults().withSize(12, 2, 2_000)
        .withStartDate(LocalDate.of(2026, 9, 3)).withDefectRates(SimulationConfig.defaultRates(0));
    List<List<String>> days = new ArrayList<>();
    new MarketSimulator(config, ReferenceData.standard()).run(day -> days.add(List.copyOf(day.lines())));
    assertThat(days).hasSize(2);
    StreamTopics.ensure(PULSAR.admin());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    TickPipeline.Streams streams = PulsarTickJob.define(env, new PulsarTickJob.Config(PULSAR.serviceUrl(),
        PULSAR.adminUrl(), "replay-test", false, false, Duration.ofSeconds(1), StreamSettings.defaults(),
        AlertRules.defaults(), new LakeAndClickHouseSinks.Targets(lake.toString(), null, 100, null), 0));
    streams.closedBars().sinkTo(new ForEachSink<>(b -> CLOSED_TRADES.addAndGet(b.tradeCount))).name("count-closed");
    streams.late().sinkTo(new ForEachSink<>(a -> LATE.incrementAndGet())).name("count-late");
    JobClient job = env.executeAsync("replay into an idle job");
    try {
      awaitRunning(job);
      publish(days.get(0));
      long firstDay = awaitQuiet(0);
      assertThat(firstDay).as("day one's bars closed as day one went on").isPositive();
      // Idle well past any idleness timeout, as a job waiting for the next replay is.
      Thread.sleep(TickPipeline.STREAM_PAUSE.toMillis() + 3_000);

      publish(days.get(1));
      publish(closers(days.get(1)));
      awaitQuiet(firstDay);

      assertThat(LATE.get()).as("trades sent to the late output").isZero();
      assertThat(CLOSED_TRADES.get()).as("every trade of both days is in a closed bar")
          .isEqualTo(days.get(0).size() + days.get(1).size());
    } finally {
      stop(job);
    }
  }

  /** Cancels a running job; a job that failed by itself fails the test with its cause. */
  private static void stop(JobClient job) throws Exception {
    if (!job.getJobStatus().get().isGloballyTerminalState()) {
      job.cancel().get(1, TimeUnit.MINUTES);
    }
    try {
      job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      if (job.getJobStatus().get() != JobStatus.CANCELED) {
        throw new AssertionError("the job failed: " + e.getCause(), e);
      }
    }
  }

  private static void publish(List<String> lines) throws Exception {
    try (TickPublisher publisher = TickPublisher.open(PULSAR.client(), TickPublisher.Settings.defaults())) {
      for (String line : lines) {
        publisher.send(line);
      }
      publisher.finish();
    }
  }

  /**
   * One trade per symbol an hour after the day's last: it moves every partition's event time past
   * the day, so the day's last minutes close too. These trades' own minutes stay open.
   */
  private static List<String> closers(List<String> day) {
    long last = day.stream().mapToLong(ReplayIntoIdleJobTest::eventTime).max().orElseThrow();
    List<String> lines = new ArrayList<>();
    for (Instrument i : ReferenceData.standard().instruments()) {
      lines.add(new Tick(i.symbol(), 1_000_000_000L, last + 3_600_000_000L, 100, 1, Tick.BUY, i.exchange()).toJson());
    }
    return lines;
  }

  private static long eventTime(String line) {
    return Long.parseLong(line.replaceAll(".*\"event_time\":(\\d+).*", "$1"));
  }

  private static void awaitRunning(JobClient job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (job.getJobStatus().get() != JobStatus.RUNNING) {
      if (job.getJobStatus().get().isGloballyTerminalState()) {
        stop(job);
      }
      assertThat(System.nanoTime()).as("the job started within two minutes").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Once closed bars have counted new trades and then none for three seconds: the count. */
  private static long awaitQuiet(long before) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    long last = before;
    for (int still = 0; still < 3 || last == before; ) {
      assertThat(System.nanoTime()).as("the job closed the day's bars within three minutes").isLessThan(deadline);
      Thread.sleep(1_000);
      long now = CLOSED_TRADES.get();
      still = now == last ? still + 1 : 0;
      last = now;
    }
    return last;
  }
}
