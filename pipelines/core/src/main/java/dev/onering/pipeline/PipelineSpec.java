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
    @JsonProperty("steps") List<Step> steps) {

  public static final String MEDALLION = "onering/spec/medallion.yaml";

  /** Where a step runs in the stack: in the Airflow worker, on Spark, or as the Flink job. */
  public static final List<String> ENGINES = List.of("light", "spark", "flink");
  public static final String FLINK = "flink";
  /**
   * A flink step's command starts with this word: {@code onering stream <command>}, the streaming
   * CLI in a JVM of its own (Flink's classpath cannot meet Spark's), not a batch CLI subcommand.
   */
  public static final String STREAM_COMMAND = "stream";
  public static final String STACK = "stack";

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Step(
      @JsonProperty("id") String id,
      @JsonProperty("command") List<String> command,
      @JsonProperty("engine") String engine,
      @JsonProperty("runtimes") List<String> runtimes,
      @JsonProperty("depends_on") List<String> dependsOn,
      @JsonProperty("description") String description) {

    public Step {
      dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
      runtimes = runtimes == null ? List.of("embedded", "stack") : List.copyOf(runtimes);
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
    steps = List.copyOf(steps);
    Map<String, Step> byId = new HashMap<>();
    for (Step s : steps) {
      if (byId.put(s.id(), s) != null) {
        throw new IllegalArgumentException("pipeline " + pipeline + ": step id '" + s.id() + "' is declared twice");
      }
      checkEngine(pipeline, s);
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
   * ties. A dependency on a step of another runtime is dropped: that input arrives another way.
   */
  public List<Step> plan(String runtime) {
    List<Step> selected = steps.stream().filter(s -> s.runsIn(runtime)).toList();
    Set<String> ids = new HashSet<>();
    selected.forEach(s -> ids.add(s.id()));
    List<Step> pruned = new ArrayList<>();
    for (Step s : selected) {
      pruned.add(new Step(s.id(), s.command(), s.engine(), s.runtimes(),
          s.dependsOn().stream().filter(ids::contains).toList(), s.description()));
    }
    return topologicalOrder(pruned);
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
