package dev.onering.stream.cli;

import dev.onering.stream.StreamEnv;
import dev.onering.stream.job.StreamJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code onering stream}: the streaming path's commands. Apart from the batch CLI because Flink's
 * classpath cannot share a JVM with Spark's (kryo 2.24 and kryo-shaded 4.0 share a package);
 * ops/scripts/onering dispatches {@code stream} here.
 */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    versionProvider = StreamCli.Version.class,
    description = {
      "OneRing streaming: ticks on Pulsar, cleaned by a Flink job into bars, late and quarantined records, and alerts.",
      "",
      "Start a broker with `onering stream broker` (or use the stack's), then `onering stream publish`;",
      "`onering stream job` runs the job here, and the stack's Flink cluster runs the same class (" + StreamJob.ENTRY_CLASS + ").",
      "docs/streaming.md describes the topics and the environment variables."
    },
    // One line per command; the Flink job and the demo join here.
    subcommands = {
      BrokerCommand.class,
      TopicsCommand.class,
      PublishCommand.class,
      StreamJob.class,
      DemoCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class StreamCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final StreamEnv env;

  StreamCli(StreamEnv env) {
    this.env = env;
  }

  /**
   * The admin client's shaded Jersey warns on every start about an optional provider it lacks. Held
   * in a field: java.util.logging forgets the level of a logger nobody references.
   */
  private static final java.util.logging.Logger JERSEY =
      java.util.logging.Logger.getLogger("org.apache.pulsar.shade.org.glassfish.jersey");

  public static void main(String[] args) {
    JERSEY.setLevel(java.util.logging.Level.SEVERE);
    System.exit(commandLine(StreamEnv.system()).execute(args));
  }

  /** The commands, with the environment they take their defaults from. */
  public static CommandLine commandLine(StreamEnv env) {
    CommandLine cl = new CommandLine(new StreamCli(env), env.factory());
    cl.setDefaultValueProvider(env.optionDefaults());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      StreamProgress.endLine();
      commandLine.getErr().println("onering stream " + commandLine.getCommandName() + ": " + message(e));
      if (env.isSet(StreamEnv.DEBUG)) {
        e.printStackTrace(commandLine.getErr());
      }
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cl;
  }

  /** The exception's message, with its causes' where they add something. */
  static String message(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
      if (c.getMessage() != null && !b.toString().contains(c.getMessage())) {
        b.append(": ").append(c.getMessage());
      }
    }
    return b.toString();
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = StreamCli.class.getPackage().getImplementationVersion();
      return new String[] {"onering stream " + (v == null ? "development build" : v)};
    }
  }
}
