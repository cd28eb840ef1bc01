package dev.onering.stream.job;

import dev.onering.lake.Lake;
import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import dev.onering.stream.StreamEnv;
import dev.onering.stream.cli.PulsarOptions;
import dev.onering.stream.pulsar.StreamTopics;
import dev.onering.stream.sink.LakeAndClickHouseSinks;
import dev.onering.pipeline.Redaction;
import dev.onering.stream.sink.SilverBarsTable;
import dev.onering.stream.sink.SilverStoreTarget;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The streaming job's entry point: {@code flink run -c dev.onering.stream.job.StreamJob
 * onering-flink.jar [options]}, Flink's REST API ({@code POST /jars/<id>/run} with this entry
 * class, what the Airflow {@code FlinkJobOperator} sends), or {@code onering stream job} on a
 * MiniCluster in this JVM. {@link StreamExecutionEnvironment#getExecutionEnvironment()} picks the
 * cluster the job was submitted to, or a local one; the graph is {@link PulsarTickJob}'s, the
 * same that {@code onering stream demo} runs: only the endpoints differ.
 *
 * <p>Configuration, parsed once here from the options and the environment ({@link StreamEnv}, read
 * once by {@link #main} and handed in). Precedence: an option, else its environment variable, else
 * the default. Endpoints travel in the job graph; the ClickHouse server's user and password never
 * do: each task manager reads them from its own environment when a writer opens
 * ({@link SilverStoreTarget}).
 */
@Command(name = "job", mixinStandardHelpOptions = true, sortOptions = false,
    versionProvider = StreamJob.Version.class,
    description = {
      "Run the streaming job: ticks from Pulsar to minute bars, alerts, late and",
      "quarantined records.",
      "",
      "Reads the ticks topic from its earliest message; appends closed bars to the",
      "Iceberg table silver.bars_1m and writes late trades and quarantine (JSON lines)",
      "to the lake, committed at each checkpoint; upserts bar revisions and alerts",
      "into ClickHouse (silver.bars_1m, silver.alerts); and publishes them to the",
      "output topics. Runs until cancelled or stopped with a",
      "savepoint (--bounded: until the last message present at start). Without a",
      "cluster it runs on a MiniCluster in this JVM; on the stack's Flink cluster the",
      "onering_streaming DAG deploys it (docs/streaming.md), as would",
      "  flink run -c " + StreamJob.ENTRY_CLASS + " onering-flink.jar [options]",
      ""
    })
public final class StreamJob implements Callable<Integer> {

  /** What {@code flink run -c} and Flink's REST API take as the entry class. */
  public static final String ENTRY_CLASS = "dev.onering.stream.job.StreamJob";
  /** The pipeline spec's step (pipelines/spec/medallion.yaml) this job is. */
  public static final String STEP_ID = "stream";
  /** The Airflow operator finds the running job by this name: {@code onering-<step id>}. */
  public static final String JOB_NAME_DEFAULT = "onering-" + STEP_ID;

  public static final String LAKE_ENV = StreamEnv.LAKE;
  public static final String LAKE_DEFAULT = Lake.DEFAULT_ROOT;
  public static final String SUBSCRIPTION_DEFAULT = "onering-stream";
  /**
   * The lake's files commit at checkpoints: this is how far behind the lake may be. The demo's
   * interval ({@link PulsarTickJob#CHECKPOINT_INTERVAL_DEFAULT}, written here as an annotation needs
   * it; a test holds the two together), so the stack runs the job as measured.
   */
  public static final String CHECKPOINT_INTERVAL_DEFAULT = "10s";
  /** One INSERT per writer per second: fresh bars without a flood of small parts on the server. */
  public static final String FLUSH_INTERVAL_DEFAULT = "1s";
  /** Flink refuses a shorter checkpoint interval. */
  static final Duration CHECKPOINT_INTERVAL_MIN = Duration.ofMillis(10);
  static final String CLICKHOUSE_NONE = "none";
  static final String CATALOG_NONE = "none";

  @Mixin PulsarOptions pulsar;

  @Option(names = "--lake", paramLabel = "ROOT", order = 1,
      description = "Lake root: s3a:// (a bucket per zone), s3a://bucket/prefix, or a folder (env " + LAKE_ENV
          + ", default: ${DEFAULT-VALUE}). On a cluster, a URI every task manager can write.",
      defaultValue = LAKE_DEFAULT)
  String lake;

  @Option(names = "--clickhouse", paramLabel = "URL|chdb:DIR|none", order = 2,
      description = "Where bars and alerts are upserted: the server's HTTP interface (http://clickhouse:8123; "
          + "user and password from " + ClickHouseHttp.USER_ENV + " / " + ClickHouseHttp.PASSWORD_ENV
          + " where the job's tasks run), the embedded engine's data directory (chdb:DIR, only for a job "
          + "running in this JVM), or none. Default: env " + ClickHouseHttp.URL_ENV + ", else chdb: with env "
          + ChDbSilverStore.DATA_DIR_ENV + " or " + ChDbSilverStore.DATA_DIR_DEFAULT + ".")
  String clickhouse;

  @Option(names = "--catalog-url", paramLabel = "JDBC-URL|none", order = 2,
      description = "The Iceberg catalog closed bars are appended to (silver.bars_1m, the batch's table, committed at"
          + " each checkpoint): its Postgres database, e.g. jdbc:postgresql://postgres:5432/iceberg; password from "
          + StreamEnv.CATALOG_PASSWORD + " where the job's tasks run. Default: env " + StreamEnv.CATALOG_URL
          + ", else none (no bars in the lake).")
  String catalogUrl;

  @Option(names = "--catalog-user", paramLabel = "NAME", order = 2,
      description = "The catalog database's user (env " + StreamEnv.CATALOG_USER + ").")
  String catalogUser;

  @Option(names = "--subscription", paramLabel = "NAME", order = 3, defaultValue = SUBSCRIPTION_DEFAULT,
      description = "Pulsar subscription of the job's source (default: ${DEFAULT-VALUE}).")
  String subscription;

  @Option(names = "--checkpoint-interval", paramLabel = "DURATION", order = 4, defaultValue = CHECKPOINT_INTERVAL_DEFAULT,
      description = "Exactly-once checkpoints this often; the lake's files appear at each (e.g. 500ms, 30s, 2min;"
          + " default: ${DEFAULT-VALUE}).")
  String checkpointInterval;

  @Option(names = "--flush-interval", paramLabel = "DURATION", order = 5, defaultValue = FLUSH_INTERVAL_DEFAULT,
      description = "How often the ClickHouse writers send what they hold (default: ${DEFAULT-VALUE}).")
  String flushInterval;

  @Option(names = "--job-name", paramLabel = "NAME", order = 6, defaultValue = JOB_NAME_DEFAULT,
      description = "The Flink job's name; the onering_streaming DAG looks for onering-<step id> (default: ${DEFAULT-VALUE}).")
  String jobName;

  @Option(names = "--bounded", order = 7,
      description = "Stop at the last message present when the job starts, closing every minute (replays, tests).")
  boolean bounded;

  @Option(names = "--plan", order = 8,
      description = "Print the job graph (Flink's execution plan, JSON) to standard output instead of running it.")
  boolean plan;

  /** Where the environment-derived defaults come from. */
  private final StreamEnv env;

  StreamJob(StreamEnv env) {
    this.env = env;
  }

  /**
   * The entry point for {@code flink run} and Flink's REST API. Runs in the Flink client or, for a
   * REST submission, inside the job manager: so it never calls System.exit, and a wrong argument
   * is an exception whose message (shown by Flink) says what to change.
   */
  public static void main(String[] args) throws Exception {
    StreamJob job = parse(args, System.out, StreamEnv.system());
    if (job != null) {
      job.call();
    }
  }

  /**
   * The options, or null when --help or --version was asked for (printed to {@code out}).
   *
   * @param env where the options' environment variables are read
   * @throws IllegalArgumentException for an unknown option or a value of the wrong form
   */
  public static StreamJob parse(String[] args, PrintStream out, StreamEnv env) {
    StreamJob job = new StreamJob(env);
    CommandLine cl = new CommandLine(job, env.factory());
    cl.setDefaultValueProvider(env.optionDefaults());
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage() + "; the options are listed by --help ("
          + ENTRY_CLASS + " --help, or onering stream job --help)", e);
    }
    if (cl.isUsageHelpRequested()) {
      cl.usage(out);
      return null;
    }
    if (cl.isVersionHelpRequested()) {
      cl.printVersionHelp(out);
      return null;
    }
    return job;
  }

  @Override
  public Integer call() throws Exception {
    PulsarTickJob.Config config = config();
    if (plan) {
      // The plan needs no broker: the partition count only sizes the watermark generator.
      config = config.withTickPartitions(StreamTopics.TICKS_PARTITIONS_DEFAULT);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    PulsarTickJob.define(env, config);
    if (plan) {
      System.out.println(env.getExecutionPlan());
      return 0;
    }
    // stderr: the client's terminal for flink run and onering stream job, the job manager's log for REST.
    System.err.printf(Locale.ROOT, "[job] %s: ticks from %s at %s; lake %s; %s; %s; checkpoints every %s%s%n", jobName,
        StreamTopics.TICKS, config.serviceUrl(), config.targets().lakeRoot(),
        config.targets().barsTable() == null ? "no Iceberg catalog: closed bars not in the lake"
            : config.targets().barsTable(),
        config.targets().clickhouse() == null ? "no ClickHouse" : config.targets().clickhouse(),
        checkpointInterval.strip(), bounded ? "; bounded" : "");
    env.execute(jobName);
    return 0;
  }

  /** The job's configuration from the options and the environment, checked. */
  public PulsarTickJob.Config config() {
    requireText(jobName, "--job-name", JOB_NAME_DEFAULT);
    requireText(subscription, "--subscription", SUBSCRIPTION_DEFAULT);
    requireScheme(pulsar.serviceUrl(), "--service-url", PulsarOptions.SERVICE_URL_ENV, "pulsar://", "pulsar+ssl://");
    requireScheme(pulsar.adminUrl(), "--admin-url", PulsarOptions.ADMIN_URL_ENV, "http://", "https://");
    requireText(lake, "--lake", "s3a://");
    Duration checkpoints = duration(checkpointInterval, "--checkpoint-interval");
    if (checkpoints.compareTo(CHECKPOINT_INTERVAL_MIN) < 0) {
      throw new IllegalArgumentException("--checkpoint-interval " + checkpointInterval + " is below Flink's minimum of "
          + CHECKPOINT_INTERVAL_MIN.toMillis() + "ms; give e.g. " + CHECKPOINT_INTERVAL_DEFAULT);
    }
    Duration flush = duration(flushInterval, "--flush-interval");
    if (flush.isZero()) {
      throw new IllegalArgumentException("--flush-interval must be positive; give e.g. " + FLUSH_INTERVAL_DEFAULT);
    }
    return new PulsarTickJob.Config(pulsar.serviceUrl(), pulsar.adminUrl(), subscription, bounded, true, checkpoints,
        StreamSettings.defaults(), AlertRules.defaults(),
        new LakeAndClickHouseSinks.Targets(Lake.at(lake.strip()).root(), clickhouseTarget(), flush.toMillis(), null,
            barsTable()), 0);
  }

  /** --catalog-url, else {@value StreamEnv#CATALOG_URL}; null for none. */
  SilverBarsTable barsTable() {
    String given = catalogUrl == null || catalogUrl.isBlank() ? null : catalogUrl.strip();
    if (given == null || given.equalsIgnoreCase(CATALOG_NONE)) {
      return null;
    }
    if (!given.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("--catalog-url '" + Redaction.credentials(given) + "' is not a Postgres JDBC URL;"
          + " give the Iceberg catalog's database (jdbc:postgresql://postgres:5432/iceberg, or "
          + StreamEnv.CATALOG_URL + "), or none");
    }
    String user = catalogUser == null || catalogUser.isBlank() ? null : catalogUser.strip();
    return new SilverBarsTable(SilverBarsTable.CATALOG_NAME, given, user, Lake.at(lake.strip()).root());
  }

  /** --clickhouse, else {@value ClickHouseHttp#URL_ENV}, else the embedded engine; null for none. */
  SilverStoreTarget clickhouseTarget() {
    String given = clickhouse;
    String source = "--clickhouse";
    if (given == null || given.isBlank()) {
      given = env.get(StreamEnv.CLICKHOUSE_URL).orElse(null);
      source = StreamEnv.CLICKHOUSE_URL;
    }
    if (given == null) {
      return SilverStoreTarget.chdb(Path.of(env.get(StreamEnv.CHDB_PATH, ChDbSilverStore.DATA_DIR_DEFAULT)));
    }
    if (given.strip().equalsIgnoreCase(CLICKHOUSE_NONE)) {
      return null;
    }
    try {
      return SilverStoreTarget.parse(given);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage() + ", or none", e);
    }
  }

  /** A duration the way Flink's configuration writes them: 500ms, 30s, 2min, 1h (a bare number is ms). */
  static Duration duration(String value, String option) {
    try {
      Duration d = TimeUtils.parseDuration(value);
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " '" + value + "' is not a duration (" + e.getMessage()
          + "); write it as Flink does, e.g. 500ms, 30s or 2min", e);
    }
  }

  private static void requireText(String value, String option, String example) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(option + " is empty; give e.g. " + example);
    }
  }

  private static void requireScheme(String url, String option, String envName, String... schemes) {
    for (String s : schemes) {
      if (url != null && url.startsWith(s) && url.length() > s.length()) {
        return;
      }
    }
    throw new IllegalArgumentException(option + " '" + url + "' must start with " + String.join(" or ", schemes)
        + "; set it, or " + envName + ", to the broker's (in the stack: pulsar://pulsar:6650 and http://pulsar:8080)");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = StreamJob.class.getPackage().getImplementationVersion();
      return new String[] {"onering stream job " + (v == null ? "development build" : v)};
    }
  }
}
