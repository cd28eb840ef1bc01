package dev.onering.cli;

import dev.onering.cli.run.RunCommand;
import dev.onering.pipeline.PipelineSpec;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
    name = "onering",
    mixinStandardHelpOptions = true,
    versionProvider = OneRing.Version.class,
    description = {
      "OneRing: market data from Bronze through Silver to Gold.",
      "",
      "Each pipeline step is a subcommand; `onering run` runs them all, as pipelines/spec/medallion.yaml orders them,",
      "and writes a report to out/runs/<run-id>/report.html. Steps print their JSON result as the last line of output."
    },
    subcommands = {
      RunCommand.class,
      StepCommand.Migrate.class,
      StepCommand.Generate.class,
      StepCommand.Ingest.class,
      StepCommand.Silver.class,
      StepCommand.SilverCsv.class,
      StepCommand.LoadSilver.class,
      StepCommand.QualitySilver.class,
      StepCommand.Gold.class,
      StepCommand.PublishGold.class,
      StepCommand.Features.class,
      StepCommand.Train.class,
      StepCommand.Register.class,
      StepCommand.Drift.class,
      StepCommand.Maintain.class,
      OneRing.StepsCommand.class,
      dev.onering.cli.bench.BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class OneRing implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Map<String, String> environment;

  private OneRing(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line over this process's environment: the one place the CLI reads it. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * The command line over the given environment, which {@link Settings} reads as the process's
   * ({@code ONERING_*}): what a test injects.
   */
  public static CommandLine commandLine(Map<String, String> environment) {
    CommandLine cl = new CommandLine(new OneRing(environment));
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("onering " + commandLine.getCommandName() + ": " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The environment this command line was made over. */
  Map<String, String> environment() {
    return environment;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = OneRing.class.getPackage().getImplementationVersion();
      return new String[] {"onering " + (v == null ? "development build" : v)};
    }
  }

  @Command(name = "steps", mixinStandardHelpOptions = true,
      description = "List the pipeline's steps in run order, from pipelines/spec/medallion.yaml.")
  static final class StepsCommand implements Runnable {
    @CommandLine.Option(names = "--runtime", defaultValue = "embedded", description = "embedded or stack (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Override
    public void run() {
      for (PipelineSpec.Step s : PipelineSpec.medallion().plan(runtime)) {
        String command = s.isPython() ? "(" + s.venv() + ") " + String.join(" ", s.command())
            : "onering " + String.join(" ", s.command());
        System.out.printf("%-13s %-10s %-20s %-6s after %-22s %s%n", s.id(), s.dag(), command, s.engine(),
            s.dependsOn().isEmpty() ? "-" : String.join(",", s.dependsOn()), s.description());
      }
    }
  }
}
