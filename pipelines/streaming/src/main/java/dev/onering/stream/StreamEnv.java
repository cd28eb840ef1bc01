package dev.onering.stream;

import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.ClickHouseHttp;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The streaming programs' environment variables, read in this one place and handed to what needs
 * them: {@code onering stream} and the job's entry point read it once at start
 * ({@link #system()}) and pass it on; tests pass a map of their own ({@link #of}).
 *
 * <p>The readers that run elsewhere are the ClickHouse writer and the Iceberg catalog of the bars
 * table in a Flink task manager: the server's and the catalog's passwords must never travel in the
 * job graph (Flink's UI shows it and every checkpoint stores it), so they read them through this
 * class where they run.
 *
 * <p>Options that an environment variable may set get it through {@link #optionDefaults()}:
 * precedence is the option, else the variable, else the option's default.
 */
public final class StreamEnv {
  public static final String PULSAR_URL = "ONERING_PULSAR_URL";
  public static final String PULSAR_ADMIN_URL = "ONERING_PULSAR_ADMIN_URL";
  public static final String PULSAR_TOPIC = "ONERING_PULSAR_TOPIC";
  public static final String LAKE = "ONERING_LAKE";
  public static final String OUT_DIR = "ONERING_OUT_DIR";
  public static final String DATA_DIR = "ONERING_DATA_DIR";
  public static final String CHDB_PATH = ChDbSilverStore.DATA_DIR_ENV;
  public static final String CLICKHOUSE_URL = ClickHouseHttp.URL_ENV;
  public static final String CLICKHOUSE_USER = ClickHouseHttp.USER_ENV;
  public static final String CLICKHOUSE_PASSWORD = ClickHouseHttp.PASSWORD_ENV;
  /** The Iceberg catalog of silver.bars_1m: the batch path's (docs/architecture.md), same names. */
  public static final String CATALOG_URL = "ONERING_CATALOG_URL";
  public static final String CATALOG_USER = "ONERING_CATALOG_USER";
  /** Secret: read where the catalog opens (client, job manager, task managers), never an option. */
  public static final String CATALOG_PASSWORD = "ONERING_CATALOG_PASSWORD";
  public static final String PULSAR_LIB = "ONERING_PULSAR_LIB";
  public static final String PULSAR_MEM = "ONERING_PULSAR_MEM";
  public static final String PULSAR_START_TIMEOUT = "ONERING_PULSAR_START_TIMEOUT";
  public static final String HOME = "ONERING_HOME";
  /** Set (to anything) to print stack traces with errors. */
  public static final String DEBUG = "ONERING_DEBUG";

  /**
   * Options whose default an environment variable overrides: by long name where the option means
   * the same in every command that has it, else by command and name. {@code broker --work-dir} is
   * derived, see {@link #optionDefault}.
   */
  private static final Map<String, String> OPTION_ENV = Map.of(
      "--service-url", PULSAR_URL,
      "--admin-url", PULSAR_ADMIN_URL,
      "--lake", LAKE,
      "--chdb", CHDB_PATH,
      "--catalog-url", CATALOG_URL,
      "--catalog-user", CATALOG_USER,
      "publish --topic", PULSAR_TOPIC,
      "demo --out", OUT_DIR);

  private final Map<String, String> variables;

  private StreamEnv(Map<String, String> variables) {
    this.variables = Map.copyOf(variables);
  }

  /** This process's environment: the one call to System.getenv in the streaming programs. */
  public static StreamEnv system() {
    return new StreamEnv(System.getenv());
  }

  public static StreamEnv of(Map<String, String> variables) {
    return new StreamEnv(variables);
  }

  /** The variable's value, stripped, or empty when it is unset or blank. */
  public Optional<String> get(String name) {
    return Optional.ofNullable(variables.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  public String get(String name, String defaultValue) {
    return get(name).orElse(defaultValue);
  }

  public boolean isSet(String name) {
    return variables.containsKey(name);
  }

  /** Every variable, for a library that takes the environment as a map (the ClickHouse client). */
  public Map<String, String> asMap() {
    return variables;
  }

  /** The default of an option from its environment variable, or null to keep the option's own. */
  String optionDefault(OptionSpec option) {
    String name = option.longestName();
    if ("--work-dir".equals(name) && "broker".equals(option.command().name())) {
      return get(DATA_DIR).map(d -> d + "/pulsar").orElse(null);
    }
    String variable = OPTION_ENV.getOrDefault(option.command().name() + " " + name, OPTION_ENV.get(name));
    return variable == null ? null : get(variable).orElse(null);
  }

  /** For {@link CommandLine#setDefaultValueProvider}: an option's variable, when set, is its default. */
  public CommandLine.IDefaultValueProvider optionDefaults() {
    return (ArgSpec arg) -> arg instanceof OptionSpec o ? optionDefault(o) : null;
  }

  /**
   * Makes commands with a {@code StreamEnv} constructor with this environment, and every other
   * class picocli instantiates as it would.
   */
  public CommandLine.IFactory factory() {
    CommandLine.IFactory fallback = CommandLine.defaultFactory();
    return new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        try {
          var constructor = cls.getDeclaredConstructor(StreamEnv.class);
          constructor.setAccessible(true);
          return constructor.newInstance(StreamEnv.this);
        } catch (NoSuchMethodException e) {
          return fallback.create(cls);
        }
      }
    };
  }

  /** Names only: values may be secrets. */
  @Override
  public String toString() {
    return "StreamEnv" + variables.keySet().stream().filter(k -> k.startsWith("ONERING_")).sorted().toList();
  }
}
