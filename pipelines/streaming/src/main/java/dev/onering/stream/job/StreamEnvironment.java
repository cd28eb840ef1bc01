package dev.onering.stream.job;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The job's execution settings, the same on a MiniCluster and on the stack's session cluster. */
public final class StreamEnvironment {
  private StreamEnvironment() {}

  /**
   * Exactly-once checkpoints every {@code checkpointInterval}, and a few quick restarts from the
   * last one, which is what a failure costs: replaying from the checkpoint, never losing input.
   */
  public static void configure(StreamExecutionEnvironment env, Duration checkpointInterval) {
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.enableCheckpointing(checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);
    env.getCheckpointConfig().setMinPauseBetweenCheckpoints(checkpointInterval.toMillis() / 2);
    env.getConfig().disableGenericTypes(); // every record has a real serializer: no silent Kryo
    // Chained operators hand records on without a serializer copy (a tenth of the keyed task's
    // time). Safe here: every operator emits new objects and none changes what it receives; what
    // state or a sink's buffer holds is never written to again.
    env.getConfig().enableObjectReuse();
    Configuration restart = new Configuration();
    restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    env.configure(restart);
  }

  /**
   * A MiniCluster environment (the demo's, the benchmark's) whose checkpoints are files under
   * {@code checkpoints}, as the stack's cluster's go to S3. A local environment keeps them in the
   * JobManager's memory by default, which refuses a subtask's state above 5 MB: the job failed its
   * checkpoints, then itself, once its open minutes held more trades than that (the benchmark at
   * 60,000 ticks per symbol and day in one keyed subtask).
   */
  public static StreamExecutionEnvironment local(int parallelism, Path checkpoints) {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toAbsolutePath().toUri().toString());
    return StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
  }
}
