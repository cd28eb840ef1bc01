package dev.onering.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline graph, declared once in {@code pipelines/spec/medallion.yaml} and read by both the
 * local runner and the Airflow DAG factory.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PipelineSpec(
    @JsonProperty("pipeline") String pipeline,
    @JsonProperty("description") String description,
    @JsonProperty("schedule") String schedule,
    @JsonProperty("dags") Map<String, Dag> dags,
    @JsonProperty("steps") List<Step> steps) {

  public static final String MEDALLION = "onering/spec/medallion.yaml";

  /**
   * Where a step runs in the stack: in the Airflow worker, on Spark, as the Flink job, or as a
   * program of a Python service's virtualenv.
   */
  public static final List<String> ENGINES = List.of("light", "spark", "flink", "python");
  public static final String FLINK = "flink";
  public static final String PYTHON = "python";
  /**
   * A flink step's command starts with this word: {@code onering stream <command>}, the streaming
   * CLI in a JVM of its own (Flink's classpath cannot meet Spark's), not a batch CLI subcommand.
   */
  public static final String STREAM_COMMAND = "stream";
  public static final String STACK = "stack";

  /** The token in a python step's command that becomes the run date (YYYY-MM-DD). */
  public static final String RUN_DATE_TOKEN = "{run_date}";

  /**
   * One Airflow DAG of the spec: its steps are those whose {@code dag} names it.
   *
   * @param after another DAG whose successful run triggers this one (an Airflow asset), instead of a schedule
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Dag(
      @JsonProperty("description") String description,
      @JsonProperty("schedule") String schedule,
      @JsonProperty("after") String after) {}

  /**
   * @param dag the DAG the step belongs to in Airflow; null means the pipeline's own
   *     ({@code pipeline:}, the medallion DAG). The local runner runs every DAG's steps in one plan.
   * @param venv for a python step: the service virtualenv its program runs in ({@code .cache/venvs/<venv>})
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Step(
      @JsonProperty("id") String id,
      @JsonProperty("command") List<String> command,
      @JsonProperty("engine") String engine,
      @JsonProperty("runtimes") List<String> runtimes,
      @JsonProperty("depends_on") List<String> dependsOn,
      @JsonProperty("description") String description,
      @JsonProperty("dag") String dag,
      @JsonProperty("venv") String venv) {

    public Step {
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
      runtimes = runtimes == null ? List.of("embedded", "stack") : List.copyOf(runtimes);
    }

    Step withDependsOn(List<String> deps) {
      return new Step(id, command, engine, runtimes, deps, description, dag, venv);
    }

    Step inDag(String defaultDag) {
      return dag != null ? this : new Step(id, command, engine, runtimes, dependsOn, description, defaultDag, venv);
    }

    /** A program of a Python service's virtualenv, not an {@code onering} subcommand. */
    public boolean isPython() {
      return PYTHON.equals(engine);
    }

    /** The command with {@value #RUN_DATE_TOKEN} replaced; a step over all dates gets none. */
    public List<String> commandFor(java.time.LocalDate runDate) {
      return command.stream().map(w -> w.contains(RUN_DATE_TOKEN)
          ? w.replace(RUN_DATE_TOKEN, runDate == null ? "" : runDate.toString()) : w).toList();
    }

    public boolean runsIn(String runtime) {
      return runtimes.contains(runtime);
    }

    /** The Flink job: deployed to the stack's session cluster, never run by the local runner. */
    public boolean isStreaming() {
      return FLINK.equals(engine);
    }
  }

  public PipelineSpec {
    String defaultDag = pipeline;
    steps = steps.stream().map(s -> s.inDag(defaultDag)).toList();
    Map<String, Dag> declared = new LinkedHashMap<>();
    declared.put(pipeline, new Dag(description, schedule, null));
    if (dags != null) {
      declared.putAll(dags);
    }
    dags = java.util.Collections.unmodifiableMap(declared);
    Map<String, Step> byId = new HashMap<>();
    for (Step s : steps) {
      if (byId.put(s.id(), s) != null) {
        throw new IllegalArgumentException("pipeline " + pipeline + ": step id '" + s.id() + "' is declared twice");
      }
      checkEngine(pipeline, s);
      if (!dags.containsKey(s.dag())) {
        throw new IllegalArgumentException("pipeline " + pipeline + ": step '" + s.id() + "' is in dag '" + s.dag()
            + "', which is not declared under dags: (declared: " + dags.keySet() + ")");
      }
    }
    for (Map.Entry<String, Dag> d : dags.entrySet()) {
      if (d.getValue().after() != null && !dags.containsKey(d.getValue().after())) {
        throw new IllegalArgumentException("pipeline " + pipeline + ": dag '" + d.getKey() + "' runs after '"
            + d.getValue().after() + "', which is not a dag of this spec");
      }
    }
    for (Step s : steps) {
      for (String d : s.dependsOn()) {
        if (!byId.containsKey(d)) {
          throw new IllegalArgumentException(
              "pipeline " + pipeline + ": step '" + s.id() + "' depends on '" + d + "', which is not declared");
        }
      }
    }
    topologicalOrder(steps); // fails on a cycle
  }

  /**
   * The rules platform/airflow/plugins/onering_airflow/spec.py applies too: a known engine, and a
   * flink step that is a streaming command ({@code stream ...}) running only in the stack (the local
   * runner has no Flink cluster; {@code onering stream demo} runs the job on this machine).
   */
  private static void checkEngine(String pipeline, Step s) {
    String where = "pipeline " + pipeline + ": step '" + s.id() + "'";
    if (s.command() == null || s.command().isEmpty()) {
      throw new IllegalArgumentException(where + " has no command");
    }
    if (s.engine() == null || !ENGINES.contains(s.engine())) {
      throw new IllegalArgumentException(where + ": engine must be one of " + ENGINES + ", got " + s.engine());
    }
    if (s.isPython() && (s.venv() == null || s.venv().isBlank())) {
      throw new IllegalArgumentException(where + ": a python step names the service virtualenv its program runs in "
          + "(venv: feast, for .cache/venvs/feast)");
    }
    if (!s.isPython() && s.venv() != null) {
      throw new IllegalArgumentException(where + ": venv is for python steps; an " + s.engine() + " step runs onering");
    }
    if (s.isStreaming()) {
      if (s.command().size() < 2 || !STREAM_COMMAND.equals(s.command().get(0))) {
        throw new IllegalArgumentException(where + ": a flink step's command is a streaming command, "
            + "[" + STREAM_COMMAND + ", <command>] (onering stream --help lists them), got " + s.command());
      }
      if (!s.runtimes().equals(List.of(STACK))) {
        throw new IllegalArgumentException(where + ": a flink step runs only in the stack (runtimes: [" + STACK
            + "]); on this machine `onering stream demo` runs the job. Got runtimes " + s.runtimes());
      }
    }
  }

  public static PipelineSpec medallion() {
    try (InputStream in = PipelineSpec.class.getClassLoader().getResourceAsStream(MEDALLION)) {
      if (in == null) {
        throw new IllegalStateException(MEDALLION + " is missing from the classpath");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PipelineSpec parse(InputStream yaml) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readValue(yaml, PipelineSpec.class);
  }

  /**
   * The steps for one runtime in an order that respects dependencies, declaration order breaking
   * ties. A dependency on a step of another runtime is looked through to what that step waits for
   * (drift after deploy, a stack-only step, still waits for train in the embedded runtime); a
   * dependency with nothing of this runtime behind it is dropped: that input arrives another way.
   * platform/airflow/plugins/onering_airflow/spec.py ({@code upstream}) reads it the same way.
   */
  public List<Step> plan(String runtime) {
    List<Step> selected = steps.stream().filter(s -> s.runsIn(runtime)).toList();
    Set<String> ids = new HashSet<>();
    selected.forEach(s -> ids.add(s.id()));
    Map<String, Step> byId = new HashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    List<Step> pruned = new ArrayList<>();
    for (Step s : selected) {
      List<String> deps = new ArrayList<>();
      lookThrough(s.dependsOn(), ids, byId, deps, new HashSet<>());
      pruned.add(s.withDependsOn(deps));
    }
    return topologicalOrder(pruned);
  }

  private static void lookThrough(List<String> deps, Set<String> selected, Map<String, Step> byId, List<String> out,
      Set<String> seen) {
    for (String d : deps) {
      if (!seen.add(d)) {
        continue;
      }
      if (selected.contains(d)) {
        out.add(d);
      } else {
        lookThrough(byId.get(d).dependsOn(), selected, byId, out, seen);
      }
    }
  }

  /** The steps of one DAG, in declaration order. */
  public List<Step> stepsOf(String dag) {
    return steps.stream().filter(s -> s.dag().equals(dag)).toList();
  }

  private static List<Step> topologicalOrder(List<Step> steps) {
    Map<String, Step> byId = new LinkedHashMap<>();
    steps.forEach(s -> byId.put(s.id(), s));
    List<Step> order = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Set<String> visiting = new HashSet<>();
    for (Step s : steps) {
      visit(s, byId, done, visiting, order, new ArrayDeque<>());
    }
    return order;
  }

  private static void visit(
      Step s, Map<String, Step> byId, Set<String> done, Set<String> visiting, List<Step> order, Deque<String> path) {
    if (done.contains(s.id())) {
      return;
    }
    path.addLast(s.id());
    if (!visiting.add(s.id())) {
      throw new IllegalArgumentException("the pipeline has a cycle: " + String.join(" -> ", path));
    }
    for (String d : s.dependsOn()) {
      Step dep = byId.get(d);
      if (dep != null) {
        visit(dep, byId, done, visiting, order, path);
      }
    }
    visiting.remove(s.id());
    done.add(s.id());
    order.add(s);
    path.removeLast();
  }
}
