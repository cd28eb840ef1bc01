package dev.onering.stream.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.ticks.RejectReason;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where the job's graph puts the keyed work: with one keyed subtask it runs in the source's task
 * (no copy of each trade through a serializer and a network buffer), with more it is shuffled by
 * symbol. {@link StreamBatchParityTest} holds both to the same results.
 */
class TickPipelineChainingTest {

  @ParameterizedTest(name = "parallelism {0}")
  @ValueSource(ints = {1, 2})
  void theKeyedWorkShareTheSourcesTaskOnlyWhenThereIsOneSubtask(int parallelism) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(parallelism);
    var messages = env.fromData(List.of(new Received("{", "ticks-partition-0@1:1:0:-1#1", 0, 0L, 0L, null,
        RejectReason.MALFORMED_JSON, null, "not valid JSON", 1L)), TypeInformation.of(Received.class)).setParallelism(1);
    TickPipeline.build(messages, 1, StreamSettings.defaults(), AlertRules.defaults()).closedBars().print();

    List<JobVertex> tasks = StreamSupport.stream(env.getStreamGraph().getJobGraph().getVertices().spliterator(), false)
        .toList();
    JobVertex parse = task(tasks, "parse");
    JobVertex bars = task(tasks, "minute-bars");
    if (parallelism == 1) {
      assertThat(bars).as("minute bars run in the parse task").isSameAs(parse);
      assertThat(parse.getName()).contains("clean");
    } else {
      assertThat(bars).as("minute bars run after a shuffle").isNotSameAs(parse);
      assertThat(bars.getParallelism()).isEqualTo(parallelism);
    }
  }

  private static JobVertex task(List<JobVertex> tasks, String operator) {
    List<JobVertex> holding = tasks.stream().filter(t -> t.getName().contains(operator)).toList();
    assertThat(holding).as("tasks running " + operator + " among " + tasks).hasSize(1);
    return holding.get(0);
  }
}
