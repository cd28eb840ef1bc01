package dev.onering.stream.bench;

import dev.onering.instruments.ReferenceData;
import dev.onering.simulator.SimulationConfig;
import dev.onering.stream.job.AlertRules;
import dev.onering.stream.job.BarRecord;
import dev.onering.stream.job.PulsarTickJob;
import dev.onering.stream.job.StreamEnvironment;
import dev.onering.stream.job.StreamSettings;
import dev.onering.stream.job.TickPipeline;
import dev.onering.stream.pulsar.PackedLines;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.pulsar.TickPublisher;
import dev.onering.stream.sink.ForEachSink;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.stream.sink.SilverStoreTarget;
import dev.onering.ticks.ParsedTick;
import dev.onering.ticks.TickParser;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.Consumer;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.Messages;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Schema;
import org.apache.pulsar.client.api.SubscriptionInitialPosition;

/**
 * The streaming benchmark: the same ticks through the broker alone (the reference), then through
 * the whole job, on one machine and in one run, so the job's figures read as a share of what the
 * broker can do here.
 *
 * <p>Each path first takes the warm-up days (all but the last two), untimed, each followed by a wait
 * for the JIT compilers to drain their queues: a live broker and job have long since compiled their
 * hot code, and on two cores the JIT compiler's first minutes would otherwise be a quarter of the CPU
 * counted against each tick (profiled: 27% of the job's JVM, 46% of the broker's). What the compilers
 * still spend in a measured phase is reported as part of its CPU.
 *
 * <ol>
 *   <li><b>Broker</b>: the product's publisher sends every line to a scratch topic with the ticks
 *       topic's partitions, packed as the job's ticks are, while a plain consumer reads them back
 *       and splits the messages into lines as the job's source does; ticks per second from the
 *       first send to the last receive. This is the yardstick: the broker moving the same ticks the
 *       same way. The same again with one line per message (what the job's ticks were before they
 *       were packed) shows what packing buys the broker alone; and packed, the paced day at the
 *       paced rate: the yardstick for the paced job.
 *   <li><b>Job, as fast as possible</b>: the streaming job runs as in the demo (lake, ClickHouse,
 *       output topics) while the first day is published with no rate limit; ticks per second from
 *       the first send to the moment the last of them is counted in a closed bar.
 *   <li><b>Job, paced</b>: the next day at a fixed rate; for each minute, the delay from the send of
 *       the first tick that lets the watermark pass the minute's end (event time at or past the end
 *       plus the out-of-orderness bound) to the minute's first bar being visible in ClickHouse.
 * </ol>
 */
public final class StreamBench {

  /**
   * @param paceRate ticks per second in the paced phase
   * @param parallelism Flink parallelism, as in the demo
   * @param linesPerMessage how the publisher packs lines, for the job and for the reference alike
   * @param checkpoints where the job's checkpoints go, as in the demo
   */
  public record Settings(SimulationConfig simulation, double paceRate, int parallelism, Path lake,
      SilverStoreTarget clickhouse, int linesPerMessage, Path checkpoints) {}

  /**
   * Rate from the first send to the last tick out of the far end, and the CPU both processes spent
   * meanwhile (this JVM: publisher and job; the broker's JVM), which says how close to the
   * machine's limit the rate is.
   *
   * @param load the machine's one-minute load average as the phase ended (this benchmark's own
   *     processes included): the machine may be shared, and a loaded one makes every rate an upper
   *     bound on the time it takes
   * @param jitCpuSeconds of {@code cpuSeconds}, what the JIT compiler threads of both JVMs spent
   *     ({@link ThreadCpu}): near zero once the code the phase runs is compiled, as in a broker
   *     or job that has run for a while
   */
  public record Throughput(long ticks, double seconds, double cpuSeconds, double load, double jitCpuSeconds) {
    public double perSecond() {
      return seconds > 0 ? ticks / seconds : 0;
    }

    /** Cores busy on average over the phase. */
    public double cores() {
      return seconds > 0 ? cpuSeconds / seconds : 0;
    }

    /** CPU microseconds per tick, all processes together. */
    public double cpuMicrosPerTick() {
      return ticks > 0 ? cpuSeconds * 1e6 / ticks : 0;
    }

    /** Of {@link #cpuMicrosPerTick}, the JIT compilers' share: a warm-up cost, not the tick's. */
    public double jitMicrosPerTick() {
      return ticks > 0 ? jitCpuSeconds * 1e6 / ticks : 0;
    }

    /** What the tick itself cost: {@link #cpuMicrosPerTick} less the compilers' share. */
    public double cpuMicrosPerTickWithoutJit() {
      return cpuMicrosPerTick() - jitMicrosPerTick();
    }
  }

  /**
   * Delays of the paced phase, milliseconds.
   *
   * @param earlierMinutes first bars that became visible in the paced phase for minutes before the
   *     paced day's first trade (the previous day's last minutes, which only its ticks close): not
   *     in the delays
   */
  public record Latency(double rate, int minutes, double p50, double p90, double p99, double max,
      int earlierMinutes) {}

  /**
   * @param broker the broker alone, lines packed as the job's are: the yardstick
   * @param brokerOneLine the broker alone, one line per message; null when the job's are not packed
   *     (it would be the same as {@code broker})
   * @param brokerPaced the broker alone, lines packed, the paced day at the paced rate: the yardstick
   *     for what the job costs at a steady rate, where messages hold fewer lines and the broker's
   *     per-message and per-second costs weigh more on each tick
   * @param pacedCost the paced phase's ticks, from its first send until the job went quiet, and the
   *     CPU spent: what a steady rate costs, rather than the most the machine can take
   * @param refiredBars minutes whose first bar (revision 0) became visible more than once: the job
   *     replayed from a checkpoint after a failure, which a benchmark run should not see; counted
   *     once in the delays
   * @param jobThreads where the job phase's CPU went: seconds by kind of thread ({@link ThreadCpu}),
   *     the broker's prefixed {@code broker: }, largest first; empty without /proc
   */
  public record Result(Throughput broker, Throughput brokerOneLine, Throughput brokerPaced, Throughput job,
      double publishPerSecond,
      Latency paced, Throughput pacedCost, long lateTrades, long quarantined, long refiredBars,
      Map<String, Double> jobThreads) {

    /**
     * At the paced rate, what the job added to the broker's CPU per tick, the JIT compilers left out
     * on both sides: the paced job phase (publisher, broker, job) less the broker alone at that rate
     * (publisher, broker, a plain consumer).
     */
    public double pacedJobOwnMicrosPerTick() {
      return pacedCost.cpuMicrosPerTickWithoutJit() - brokerPaced.cpuMicrosPerTickWithoutJit();
    }

    /** The job's sustained rate as a share of the broker's. */
    public double jobToBroker() {
      return broker.perSecond() > 0 ? job.perSecond() / broker.perSecond() : Double.NaN;
    }
  }

  /** How long a phase may go without a closed bar for its trades before the benchmark gives up. */
  static final Duration QUIET_DEADLINE = Duration.ofMinutes(10);

  /** A warm-up day, a day as fast as possible, a paced day. */
  static final int DAYS_NEEDED = 3;
  /**
   * Two warm-up days by default: the first leaves methods that became hot while the compilers' queue
   * was long in profiling code, and they are compiled as soon as ticks flow again, which the second
   * day absorbs (measured: the job's compiling in its measured phase halved, 8.9 to 4.7 us a tick).
   */
  public static final int DAYS_DEFAULT = 4;

  /**
   * The JIT counts as settled once its compilers used less than this share of a core over
   * {@link #JIT_QUIET}: what is left to compile then is not what a phase runs.
   */
  static final double JIT_IDLE_SHARE = 0.05;
  static final Duration JIT_QUIET = Duration.ofSeconds(2);
  static final Duration JIT_DEADLINE = Duration.ofSeconds(90);

  /** The job phase's CPU by kind of thread lists the kinds with at least this share of it. */
  static final double BREAKDOWN_MIN_SHARE = 0.01;

  /** One day of lines with the event time of each (Long.MIN_VALUE where the line has none). */
  record Day(List<String> lines, long[] eventTimes) {}

  /**
   * Lines kept as one UTF-8 array, each made a string again when it is read: the days the benchmark
   * holds (four by default, two million lines) are then a few arrays in this JVM's old generation
   * rather than four million objects, which every concurrent marking of the job's heap walks (one run
   * each: the job phase's marking took 1.5 s with the days as strings, 0.17 s as arrays). A live
   * job's JVM does not hold its input.
   */
  static final class CompactLines extends AbstractList<String> implements RandomAccess {
    private final byte[] text;
    private final int[] starts;

    private CompactLines(byte[] text, int[] starts) {
      this.text = text;
      this.starts = starts;
    }

    static CompactLines of(List<String> lines) {
      int[] starts = new int[lines.size() + 1];
      ByteArrayOutputStream out = new ByteArrayOutputStream(lines.size() * 128);
      for (int i = 0; i < lines.size(); i++) {
        out.writeBytes(lines.get(i).getBytes(StandardCharsets.UTF_8));
        starts[i + 1] = out.size();
      }
      return new CompactLines(out.toByteArray(), starts);
    }

    @Override
    public String get(int i) {
      Objects.checkIndex(i, size());
      return new String(text, starts[i], starts[i + 1] - starts[i], StandardCharsets.UTF_8);
    }

    @Override
    public int size() {
      return starts.length - 1;
    }
  }

  private final Settings settings;
  private final java.util.function.Consumer<String> progress;

  public StreamBench(Settings settings, java.util.function.Consumer<String> progress) {
    this.settings = settings;
    this.progress = progress;
  }

  /** CPU time so far of this JVM and of the broker's. */
  private static double cpuSeconds(long brokerPid) {
    return cpu(ProcessHandle.current()) + ProcessHandle.of(brokerPid).map(StreamBench::cpu).orElse(0.0);
  }

  /** CPU seconds so far by kind of thread, of this JVM and of the broker's (prefixed {@code broker: }). */
  private static Map<String, Double> threadSeconds(long brokerPid) {
    Map<String, Double> seconds = new HashMap<>(ThreadCpu.byGroup(ProcessHandle.current().pid()));
    ThreadCpu.byGroup(brokerPid).forEach((group, s) -> seconds.put("broker: " + group, s));
    return seconds;
  }

  /** CPU time so far of the JIT compiler threads of this JVM and of the broker's. */
  private static double jitCpuSeconds(long brokerPid) {
    return jitOf(threadSeconds(brokerPid));
  }

  /** The JIT compilers' seconds in a {@link #threadSeconds} reading. */
  private static double jitOf(Map<String, Double> threads) {
    return threads.getOrDefault(ThreadCpu.JIT, 0.0) + threads.getOrDefault("broker: " + ThreadCpu.JIT, 0.0);
  }

  /** This JVM's JIT compile time so far, seconds (0 where the JVM does not say): where there is no /proc. */
  static double jitSeconds() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() / 1e3 : 0;
  }

  /**
   * Waits until the JIT compilers of this JVM and the broker's have drained their queues: their
   * threads' CPU time grew by less than {@link #JIT_IDLE_SHARE} of a core over {@link #JIT_QUIET}, or
   * {@link #JIT_DEADLINE} passed (without /proc, this JVM's compile time). The broker alone and the
   * job each wait after their warm-up, so neither phase is charged with the other's compiling. On
   * two cores the job's warm-up day leaves a C2 queue of hundreds of methods, and while it is long
   * HotSpot raises the thresholds for compiling more (by the queue's length), so the job's hottest
   * methods (the consumer's message handling, the source's fetch) stayed in profiled C1 code for a
   * minute and were compiled in the measured phases, a quarter of their CPU (docs/streaming.md).
   *
   * @return seconds waited
   */
  static double settleJit(long brokerPid) throws InterruptedException {
    return settle(ThreadCpu.available() ? () -> jitCpuSeconds(brokerPid) : StreamBench::jitSeconds, JIT_QUIET,
        JIT_DEADLINE);
  }

  /**
   * Sleeps {@code quiet} at a time until {@code busySeconds} (time spent by workers, such as the
   * JIT's compile time) grew by less than {@link #JIT_IDLE_SHARE} of the time slept, or until
   * {@code deadline}. Returns the seconds waited.
   */
  static double settle(java.util.function.DoubleSupplier busySeconds, Duration quiet, Duration deadline)
      throws InterruptedException {
    long t0 = System.nanoTime();
    long end = t0 + deadline.toNanos();
    double last = busySeconds.getAsDouble();
    long lastAt = t0;
    while (System.nanoTime() < end) {
      Thread.sleep(quiet.toMillis());
      double now = busySeconds.getAsDouble();
      long nowAt = System.nanoTime();
      boolean idle = now - last < JIT_IDLE_SHARE * (nowAt - lastAt) / 1e9;
      last = now;
      lastAt = nowAt;
      if (idle) {
        break;
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
  }

  /** The one-minute load average, or NaN where the platform has none. */
  static double load() {
    double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return l < 0 ? Double.NaN : l;
  }

  public Result run(String serviceUrl, String adminUrl, long brokerPid) throws Exception {
    progress.accept("simulating the ticks");
    List<Day> days = simulate(settings.simulation());
    if (days.size() < DAYS_NEEDED) {
      throw new IllegalArgumentException("the benchmark needs " + DAYS_NEEDED + " trading days of ticks (a warm-up,"
          + " one as fast as possible, one paced); give --days " + DAYS_NEEDED + " or more");
    }
    // Every day but the last two warms up the broker alone, then the job.
    List<Day> warmUps = days.subList(0, days.size() - 2);
    Day fast = days.get(days.size() - 2);
    Day paced = days.get(days.size() - 1);
    try (PulsarAdmin admin = PulsarAdmin.builder().serviceHttpUrl(adminUrl).build();
        PulsarClient client = PulsarClient.builder().serviceUrl(serviceUrl).build()) {
      StreamTopics.ensure(admin);
      String reference = StreamTopics.TICKS + "-bench-reference";
      int packed = settings.linesPerMessage();
      Throughput brokerOneLine = null;
      if (packed > 1) {
        warmUpBrokerAlone(client, admin, reference + "-one-line-warm-up", warmUps, 1, brokerPid);
        progress.accept(String.format("broker alone, one line per message: %,d ticks", fast.lines().size()));
        brokerOneLine = brokerAlone(client, admin, reference + "-one-line", fast, 1, 0, brokerPid);
      }
      warmUpBrokerAlone(client, admin, reference + "-warm-up", warmUps, packed, brokerPid);
      progress.accept(String.format("broker alone, up to %d lines per message: %,d ticks through %s", packed,
          fast.lines().size(), reference));
      Throughput broker = brokerAlone(client, admin, reference, fast, packed, 0, brokerPid);
      progress.accept(String.format("broker alone, up to %d lines per message, paced at %,.0f ticks/s: %,d ticks",
          packed, settings.paceRate(), paced.lines().size()));
      Throughput brokerPaced = brokerAlone(client, admin, reference + "-paced", paced, packed, settings.paceRate(),
          brokerPid);

      JobCounters.reset();
      StreamExecutionEnvironment env = StreamEnvironment.local(settings.parallelism(), settings.checkpoints());
      StreamSettings streamSettings = StreamSettings.defaults();
      TickPipeline.Streams streams = PulsarTickJob.define(env, new PulsarTickJob.Config(serviceUrl, adminUrl,
          "onering-stream-bench", false, true, PulsarTickJob.CHECKPOINT_INTERVAL_DEFAULT, streamSettings, AlertRules.defaults(),
          new LakeAndClickHouseSinks.Targets(settings.lake().toString(), settings.clickhouse(), 100,
              JobCounters::visible), 0));
      streams.closedBars().sinkTo(new ForEachSink<>(JobCounters::closed)).name("bench-closed-trades");
      streams.late().sinkTo(new ForEachSink<>(a -> JobCounters.LATE.incrementAndGet())).name("bench-late");
      streams.quarantine().sinkTo(new ForEachSink<>(q -> JobCounters.QUARANTINED.incrementAndGet()))
          .name("bench-quarantined");
      JobClient job = env.executeAsync("onering-stream-bench");
      try {
        awaitRunning(job);
        long before = 0;
        for (int d = 0; d < warmUps.size(); d++) {
          Day day = warmUps.get(d);
          progress.accept(String.format("job, warm-up day %d of %d: %,d ticks", d + 1, warmUps.size(), day.lines().size()));
          publish(client, day, 0, packed, new long[day.lines().size()]);
          before = awaitQuiet(job, before, brokerPid).trades();
          progress.accept(String.format("job, warm-up: the JIT compilers settled after %.0f s more", settleJit(brokerPid)));
        }

        progress.accept(String.format("job, as fast as possible: %,d ticks", fast.lines().size()));
        long[] sentAt = new long[fast.lines().size()];
        CpuReading start = cpuReading(brokerPid);
        long t0 = System.nanoTime();
        TickPublisher.Result published = publish(client, fast, 0, packed, sentAt);
        Quiet<CpuReading> done = awaitQuiet(job, before, brokerPid);
        long trades = done.trades();
        CpuReading end = done.atLastProgress();
        Throughput jobRate = new Throughput(trades - before, (JobCounters.lastClosedNanos - t0) / 1e9,
            end.seconds() - start.seconds(), load(), end.jitSeconds() - start.jitSeconds());
        Map<String, Double> jobThreads = ThreadCpu.spent(start.threads(), end.threads(),
            BREAKDOWN_MIN_SHARE * jobRate.cpuSeconds());

        progress.accept(String.format("job, paced at %,.0f ticks/s: %,d ticks", settings.paceRate(),
            paced.lines().size()));
        JobCounters.FIRST_FIRINGS.clear();
        long[] pacedSentAt = new long[paced.lines().size()];
        CpuReading pacedStart = cpuReading(brokerPid);
        long pacedT0 = System.nanoTime();
        publish(client, paced, settings.paceRate(), packed, pacedSentAt);
        CpuReading pacedEnd = awaitQuiet(job, trades, brokerPid).atLastProgress();
        Throughput pacedCost = new Throughput(paced.lines().size(), (JobCounters.lastClosedNanos - pacedT0) / 1e9,
            pacedEnd.seconds() - pacedStart.seconds(), load(), pacedEnd.jitSeconds() - pacedStart.jitSeconds());
        Latency latency = latency(paced, pacedSentAt, streamSettings.outOfOrderness(), settings.paceRate());
        return new Result(broker, brokerOneLine, brokerPaced, jobRate, published.ticksPerSecond(), latency, pacedCost, JobCounters.LATE.get(),
            JobCounters.QUARANTINED.get(), JobCounters.REFIRED.get(), jobThreads);
      } finally {
        // A job that failed has shut its MiniCluster down already: there is nothing to cancel.
        if (!job.getJobExecutionResult().isDone()) {
          job.cancel().get(1, TimeUnit.MINUTES);
        }
        try {
          job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException cancelled) {
          // Expected: the job ends cancelled; waiting lets the MiniCluster shut down in order.
        }
      }
    }
  }

  /** The simulator's lines, grouped by the day they belong to, each with its event time. */
  static List<Day> simulate(SimulationConfig config) throws Exception {
    TickParser parser = new TickParser(ReferenceData.standard());
    List<Day> days = new ArrayList<>();
    new dev.onering.simulator.MarketSimulator(config, ReferenceData.standard()).run(day -> {
      List<String> lines = CompactLines.of(day.lines());
      long[] times = new long[lines.size()];
      for (int i = 0; i < times.length; i++) {
        times[i] = parser.parse(day.lines().get(i), null) instanceof ParsedTick.Accepted a
            ? a.tick().eventTimeMicros() : Long.MIN_VALUE;
      }
      days.add(new Day(lines, times));
    });
    return days;
  }

  /** Each warm-up day through the broker alone, to a topic of its own, each followed by the JIT's settling. */
  private void warmUpBrokerAlone(PulsarClient client, PulsarAdmin admin, String topic, List<Day> warmUps,
      int linesPerMessage, long brokerPid) throws Exception {
    for (int d = 0; d < warmUps.size(); d++) {
      progress.accept(String.format("broker alone, %s, warm-up day %d of %d: %,d ticks",
          linesPerMessage == 1 ? "one line per message" : "up to " + linesPerMessage + " lines per message", d + 1,
          warmUps.size(), warmUps.get(d).lines().size()));
      brokerAlone(client, admin, topic + "-" + (d + 1), warmUps.get(d), linesPerMessage, 0, brokerPid);
      settleJit(brokerPid);
    }
  }

  /** @param rate ticks per second, or 0 for as fast as the broker takes them */
  private Throughput brokerAlone(PulsarClient client, PulsarAdmin admin, String topic, Day day, int linesPerMessage,
      double rate, long brokerPid) throws Exception {
    admin.topics().createPartitionedTopic(topic, StreamTopics.TICKS_PARTITIONS_DEFAULT);
    int n = day.lines().size();
    AtomicLong received = new AtomicLong();
    long[] lastReceive = new long[1];
    try (Consumer<byte[]> consumer = client.newConsumer(Schema.BYTES).topic(topic)
        .subscriptionName("bench-reference")
        .subscriptionInitialPosition(SubscriptionInitialPosition.Earliest)
        .receiverQueueSize(10_000)
        .subscribe()) {
      Thread reader = new Thread(() -> {
        try {
          while (received.get() < n) {
            Messages<byte[]> batch = consumer.batchReceive();
            long lines = 0;
            for (Message<byte[]> m : batch) {
              // Split into lines as the job's source does: that is part of moving a packed tick.
              lines += PackedLines.forEachLine(m.getValue(), (line, number) -> { });
            }
            received.addAndGet(lines);
            consumer.acknowledgeAsync(batch);
            lastReceive[0] = System.nanoTime();
          }
        } catch (Exception e) {
          throw new IllegalStateException("the reference consumer failed after " + received.get() + " ticks", e);
        }
      }, "bench-reference-reader");
      reader.setDaemon(true);
      reader.start();
      CpuReading start = cpuReading(brokerPid);
      long t0 = System.nanoTime();
      try (TickPublisher publisher = TickPublisher.open(client,
          TickPublisher.Settings.defaults().withTopic(topic).withLinesPerMessage(linesPerMessage).withRate(rate))) {
        for (String line : day.lines()) {
          publisher.send(line);
        }
        publisher.finish();
      }
      reader.join(TimeUnit.MINUTES.toMillis(2));
      if (received.get() < n) {
        throw new IllegalStateException("the reference consumer read " + received.get() + " of " + n + " ticks");
      }
      CpuReading end = cpuReading(brokerPid);
      return new Throughput(n, (lastReceive[0] - t0) / 1e9, end.seconds() - start.seconds(), load(),
          end.jitSeconds() - start.jitSeconds());
    }
  }

  private static TickPublisher.Result publish(PulsarClient client, Day day, double rate, int linesPerMessage,
      long[] sentAt) throws Exception {
    try (TickPublisher publisher = TickPublisher.open(client,
        TickPublisher.Settings.defaults().withRate(rate).withLinesPerMessage(linesPerMessage))) {
      List<String> lines = day.lines();
      for (int i = 0; i < lines.size(); i++) {
        sentAt[i] = System.currentTimeMillis() * 1_000L;
        publisher.send(lines.get(i));
      }
      return publisher.finish();
    }
  }

  /**
   * A job that has ended mid-benchmark (out of restarts) fails the benchmark with its cause: the
   * quiet that follows is a dead job's, and its figures would look like a finished phase's.
   */
  static void failIfEnded(JobClient job) throws InterruptedException {
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    if (!result.isDone()) {
      return;
    }
    try {
      result.get();
    } catch (ExecutionException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      throw new IllegalStateException("the streaming job failed before the benchmark was done: " + cause, e);
    }
    throw new IllegalStateException("the streaming job ended before the benchmark was done");
  }

  /**
   * The job's tasks are deployed a little after the job reports RUNNING; publishing before then
   * would count the start-up as processing time.
   */
  private static void awaitRunning(JobClient job) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (job.getJobStatus().get() != org.apache.flink.api.common.JobStatus.RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the streaming job did not start within two minutes");
      }
      Thread.sleep(100);
    }
    Thread.sleep(3_000);
  }

  /** How often the quiet wait looks at the closed trades, and how many looks without news make it quiet. */
  static final Duration QUIET_POLL = Duration.ofMillis(250);
  static final int QUIET_POLLS = 12;

  /**
   * What a quiet wait saw: the trades in closed bars once the job went quiet, and the reading taken
   * at the first look that saw the last of them.
   */
  record Quiet<R>(long trades, R atLastProgress) {}

  /** Run at each look of a quiet wait; throws to end it. */
  interface Check {
    void run() throws InterruptedException;
  }

  /** CPU seconds of both JVMs at one moment: in all, and by kind of thread (empty without /proc). */
  record CpuReading(double seconds, Map<String, Double> threads) {
    double jitSeconds() {
      return jitOf(threads);
    }
  }

  private static CpuReading cpuReading(long brokerPid) {
    return new CpuReading(cpuSeconds(brokerPid), threadSeconds(brokerPid));
  }

  /**
   * Returns once the job has closed bars for new trades and then none for three seconds, with the
   * CPU reading taken as the last of them was first seen: the quiet seconds that tell the job is
   * done are not its work, and counting them had a phase's cores exceed the machine's.
   */
  private static Quiet<CpuReading> awaitQuiet(JobClient job, long before, long brokerPid) throws InterruptedException {
    return awaitQuiet(JobCounters.CLOSED_TRADES::get, before, () -> cpuReading(brokerPid), () -> failIfEnded(job),
        QUIET_POLL, QUIET_POLLS, QUIET_DEADLINE);
  }

  /**
   * Looks at {@code closedTrades} every {@code poll} until it has grown past {@code before} and then
   * stayed put for {@code stillPolls} looks; {@code reading} is taken at each look that sees it grow,
   * and the last of these is returned with the count.
   *
   * @param check run at each look; throws to end the wait (the job died)
   */
  static <R> Quiet<R> awaitQuiet(java.util.function.LongSupplier closedTrades, long before,
      java.util.function.Supplier<R> reading, Check check, Duration poll, int stillPolls, Duration deadline)
      throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    long last = before;
    R atLast = null;
    for (int still = 0; still < stillPolls || last == before; ) {
      check.run();
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the job closed no bar for new trades within " + deadline.toMinutes()
            + " minutes; is the machine overloaded, or the job failed (ONERING_DEBUG=1 shows its errors)?");
      }
      Thread.sleep(poll.toMillis());
      long now = closedTrades.getAsLong();
      if (now == last) {
        still++;
      } else {
        still = 0;
        last = now;
        atLast = reading.get();
      }
    }
    return new Quiet<>(last, atLast);
  }

  /**
   * For each minute whose first bar became visible: its visibility minus the send of the first line
   * that lets the watermark pass the minute's end. Lines go out in order, so that line is the first
   * whose event time is at or past the end plus the bound.
   */
  static Latency latency(Day day, long[] sentAt, Duration outOfOrderness, double rate) {
    long bound = outOfOrderness.toMillis() * 1_000L;
    long[] times = day.eventTimes();
    // The running maximum of event time is what the watermark follows.
    long[] runningMax = new long[times.length];
    long max = Long.MIN_VALUE;
    for (int i = 0; i < times.length; i++) {
      max = Math.max(max, times[i]);
      runningMax[i] = max;
    }
    long dayStart = Long.MAX_VALUE;
    for (long t : times) {
      if (t != Long.MIN_VALUE) {
        dayStart = Math.min(dayStart, t);
      }
    }
    List<Double> delays = new ArrayList<>();
    int earlier = 0;
    for (long[] firing : JobCounters.FIRST_FIRINGS) {
      if (firing[0] <= dayStart) {
        earlier++;
        continue;
      }
      long releaseTime = firing[0] + bound;
      int i = firstAtOrAfter(runningMax, releaseTime);
      if (i < runningMax.length) {
        delays.add((firing[1] - sentAt[i]) / 1e3);
      }
    }
    double[] d = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Latency(rate, d.length, percentile(d, 0.50), percentile(d, 0.90), percentile(d, 0.99),
        d.length == 0 ? Double.NaN : d[d.length - 1], earlier);
  }

  static int firstAtOrAfter(long[] ascending, long value) {
    int i = Arrays.binarySearch(ascending, value);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && ascending[i - 1] == value) {
      i--;
    }
    return i;
  }

  /** Nearest-rank percentile of sorted values; NaN when there are none. */
  static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** What the job's tasks report back; they run in this JVM on the MiniCluster. */
  static final class JobCounters {
    static final AtomicLong CLOSED_TRADES = new AtomicLong();
    static final AtomicLong LATE = new AtomicLong();
    static final AtomicLong QUARANTINED = new AtomicLong();
    static volatile long lastClosedNanos;
    /** (bar end in event-time micros, visible at in wall-clock micros) of each minute's first firing. */
    static final ConcurrentLinkedQueue<long[]> FIRST_FIRINGS = new ConcurrentLinkedQueue<>();
    /** (symbol, bar start) of every first firing so far, and how many came again. */
    static final Set<String> FIRED = ConcurrentHashMap.newKeySet();
    static final AtomicLong REFIRED = new AtomicLong();

    static void reset() {
      CLOSED_TRADES.set(0);
      LATE.set(0);
      QUARANTINED.set(0);
      FIRST_FIRINGS.clear();
      FIRED.clear();
      REFIRED.set(0);
    }

    static void closed(BarRecord bar) {
      CLOSED_TRADES.addAndGet(bar.tradeCount);
      lastClosedNanos = System.nanoTime();
    }

    static void visible(List<BarRecord> bars, long atMicros) {
      for (BarRecord b : bars) {
        if (b.revision == 0 && !FIRED.add(b.symbol + "@" + b.barStart)) {
          REFIRED.incrementAndGet();
        } else if (b.revision == 0) {
          FIRST_FIRINGS.add(new long[] {b.endMillis() * 1_000L, atMicros});
        }
      }
    }
  }
}
