package dev.onering.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.pipeline.PipelineSpec;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.job.StreamJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command-line contract: every command has --help, bad options fail with a usage error. */
class StreamCliTest {

  @Test
  void everyCommandHasHelp() {
    CommandLine cli = StreamCli.commandLine(StreamEnv.of(Map.of()));
    assertThat(cli.getSubcommands()).containsKeys("broker", "topics", "publish", "job", "demo", "help");
    for (String command : new String[] {"broker", "topics", "publish", "job", "demo"}) {
      StringWriter out = new StringWriter();
      CommandLine c = StreamCli.commandLine(StreamEnv.of(Map.of()));
      c.setOut(new PrintWriter(out));
      assertThat(c.execute(command, "--help")).as(command).isZero();
      assertThat(out.toString()).as(command).contains("Usage: stream " + command).contains("--help");
    }
  }

  @Test
  void publishOptionsDefaultLikeGenerateAndFromTheEnvironment() {
    StringWriter out = new StringWriter();
    CommandLine c = StreamCli.commandLine(StreamEnv.of(Map.of()));
    c.setOut(new PrintWriter(out));
    c.execute("publish", "--help");
    assertThat(out.toString())
        .contains("--seed", "--symbols", "--days", "--ticks-per-day", "--defect-scale", "--rate", "--from-bronze",
            "--timeline", "ONERING_PULSAR_URL", "ONERING_PULSAR_ADMIN_URL");
  }

  @Test
  void optionsTakeTheirDefaultsFromTheEnvironmentHandedIn() {
    StreamEnv env = StreamEnv.of(Map.of(StreamEnv.PULSAR_URL, "pulsar://pulsar:6650", StreamEnv.PULSAR_TOPIC,
        "persistent://onering/market/replay", StreamEnv.LAKE, "/lake", StreamEnv.CHDB_PATH, "/chdb",
        StreamEnv.OUT_DIR, "/reports", StreamEnv.DATA_DIR, "/data"));
    CommandLine c = StreamCli.commandLine(env);
    PublishCommand publish = c.getSubcommands().get("publish").getCommand();
    c.parseArgs("publish");
    assertThat(publish.pulsar.serviceUrl()).isEqualTo("pulsar://pulsar:6650");
    assertThat(publish.pulsar.adminUrl()).as("unset: the option's default").isEqualTo(PulsarOptions.ADMIN_URL_DEFAULT);
    assertThat(publish.topic).isEqualTo("persistent://onering/market/replay");
    DemoCommand demo = c.getSubcommands().get("demo").getCommand();
    c.parseArgs("demo", "--chdb", "/mine");
    assertThat(demo.lake).isEqualTo("/lake");
    assertThat(demo.chdb).as("the option wins").isEqualTo(java.nio.file.Path.of("/mine"));
    assertThat(demo.out).isEqualTo("/reports");
    BrokerCommand broker = c.getSubcommands().get("broker").getCommand();
    c.parseArgs("broker");
    assertThat(broker.workDir).isEqualTo(java.nio.file.Path.of("/data/pulsar"));
    BenchCommand bench = c.getSubcommands().get("bench").getCommand();
    c.parseArgs("bench");
    assertThat(bench.out).as("the bench's --out is not the demo's").isEqualTo(java.nio.file.Path.of("out/bench"));
  }

  @Test
  void rateIsANumberOrMax() {
    assertThat(PublishCommand.parseRate("max")).isZero();
    assertThat(PublishCommand.parseRate("2500")).isEqualTo(2500);
    assertThatThrownBy(() -> PublishCommand.parseRate("fast")).hasMessageContaining("--rate");
    assertThatThrownBy(() -> PublishCommand.parseRate("-1")).hasMessageContaining("--rate");
  }

  @Test
  void anUnreachableBrokerSaysWhatToStart() {
    StringWriter err = new StringWriter();
    CommandLine c = StreamCli.commandLine(StreamEnv.of(Map.of()));
    c.setErr(new PrintWriter(err));
    int code = c.execute("topics", "--admin-url", "http://127.0.0.1:1", "--service-url", "pulsar://127.0.0.1:1");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString()).contains("http://127.0.0.1:1").contains("onering stream broker");
  }

  /**
   * The spec's flink steps are streaming commands (the Java and Python spec parsers both require
   * `stream <command>`): the rest is a command of this CLI, the one whose class is the entry point
   * the stack deploys, under the name the DAG looks for.
   */
  @Test
  void everyFlinkStepOfTheSpecIsAStreamCommandWhoseJobHasTheNameTheDagLooksFor() {
    List<PipelineSpec.Step> flink = PipelineSpec.medallion().steps().stream().filter(PipelineSpec.Step::isStreaming).toList();
    assertThat(flink).isNotEmpty();
    for (PipelineSpec.Step step : flink) {
      assertThat(step.command().get(0)).isEqualTo(PipelineSpec.STREAM_COMMAND);
      CommandLine c = StreamCli.commandLine(StreamEnv.of(Map.of()));
      for (String word : step.command().subList(1, step.command().size())) {
        c = c.getSubcommands().get(word);
        assertThat(c).as("onering %s", String.join(" ", step.command())).isNotNull();
      }
      assertThat((Object) c.getCommand()).isInstanceOf(StreamJob.class);
      assertThat(StreamJob.class.getName()).isEqualTo(StreamJob.ENTRY_CLASS);
      assertThat("onering-" + step.id()).isEqualTo(StreamJob.JOB_NAME_DEFAULT);
      assertThat(step.id()).isEqualTo(StreamJob.STEP_ID);
    }
  }
}
