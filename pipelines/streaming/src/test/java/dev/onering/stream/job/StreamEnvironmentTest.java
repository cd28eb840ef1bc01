package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's and the benchmark's MiniCluster environment, with the job's settings on it. */
class StreamEnvironmentTest {
  /** Above the 5 MB a subtask's state may take in the JobManager's memory, where local jobs kept it. */
  static final int STATE_BYTES = 6 << 20;

  static final AtomicLong COMPLETED_CHECKPOINTS = new AtomicLong();
  /** The checkpoint directory, and the most its files held when a checkpoint completed. */
  static volatile Path checkpointDir;
  static final AtomicLong BYTES_AT_COMPLETION = new AtomicLong();

  @Test
  void aLocalJobCheckpointsMoreStateThanTheJobManagersMemoryTakesIntoFiles(@TempDir Path checkpoints)
      throws Exception {
    COMPLETED_CHECKPOINTS.set(0);
    BYTES_AT_COMPLETION.set(0);
    checkpointDir = checkpoints;
    StreamExecutionEnvironment env = StreamEnvironment.local(1, checkpoints);
    StreamEnvironment.configure(env, Duration.ofMillis(200));
    env.addSource(new RunUntilCheckpointed(), Types.LONG).map(new HoldsBigState()).sinkTo(new DiscardingSink<>());

    env.execute("big-state"); // a failed checkpoint fails the job (no failure is tolerated)

    assertThat(COMPLETED_CHECKPOINTS.get()).isPositive();
    // The files go when the job finishes: measured as each checkpoint completed.
    assertThat(BYTES_AT_COMPLETION.get()).as("state in files under " + checkpoints)
        .isGreaterThanOrEqualTo(STATE_BYTES);
  }

  private static long bytesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(StreamEnvironmentTest::size).sum();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return 0; // a subsumed checkpoint's folder went while it was walked
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0; // deleted as a checkpoint was subsumed
    }
  }

  /** Emits one value, then waits for a completed checkpoint, so there is a running job to checkpoint. */
  static final class RunUntilCheckpointed implements SourceFunction<Long> {
    private volatile boolean running = true;

    @Override
    public void run(SourceContext<Long> ctx) throws Exception {
      ctx.collect(1L);
      while (running && COMPLETED_CHECKPOINTS.get() == 0) {
        Thread.sleep(10);
      }
    }

    @Override
    public void cancel() {
      running = false;
    }
  }

  static final class HoldsBigState implements MapFunction<Long, Long>, CheckpointedFunction, CheckpointListener {
    private transient ListState<byte[]> state;

    @Override
    public Long map(Long value) {
      return value;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
      state = context.getOperatorStateStore().getListState(
          new ListStateDescriptor<>("big", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
      byte[] noise = new byte[STATE_BYTES];
      new Random(context.getCheckpointId()).nextBytes(noise);
      state.update(java.util.List.of(noise));
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      BYTES_AT_COMPLETION.accumulateAndGet(bytesUnder(checkpointDir), Math::max);
      COMPLETED_CHECKPOINTS.incrementAndGet();
    }
  }
}
