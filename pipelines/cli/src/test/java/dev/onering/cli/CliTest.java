package dev.onering.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.steps.Steps;
import dev.onering.pipeline.Json;
import dev.onering.pipeline.PipelineSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line as a user and Airflow meet it: help, exit codes, the JSON result contract. */
class CliTest {

  record Run(int code, String out, String err) {
    JsonNode lastLineJson() throws Exception {
      String[] lines = out.strip().split("\n");
      return Json.MAPPER.readTree(lines[lines.length - 1]);
    }
  }

  /** The command line over an empty environment, so a variable set where the tests run changes nothing. */
  static Run run(String... args) {
    return run(Map.of(), args);
  }

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CommandLine cl = OneRing.commandLine(env);
      cl.setOut(new java.io.PrintWriter(System.out, true));
      cl.setErr(new java.io.PrintWriter(System.err, true));
      int code = cl.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private static List<List<String>> allCommands(CommandLine cl, List<String> prefix) {
    List<List<String>> out = new ArrayList<>();
    for (var e : cl.getSubcommands().entrySet()) {
      if (e.getKey().equals("help")) {
        continue;
      }
      List<String> path = new ArrayList<>(prefix);
      path.add(e.getKey());
      out.add(path);
      out.addAll(allCommands(e.getValue(), path));
    }
    return out;
  }

  @Test
  void everyCommandHasHelpThatSaysWhatItDoes() {
    List<List<String>> commands = allCommands(OneRing.commandLine(), List.of());
    assertThat(commands).hasSizeGreaterThanOrEqualTo(10);
    for (List<String> c : commands) {
      List<String> args = new ArrayList<>(c);
      args.add("--help");
      Run r = run(args.toArray(String[]::new));
      assertThat(r.code()).as(String.join(" ", args)).isZero();
      assertThat(r.out()).as(String.join(" ", args)).contains("Usage: onering " + String.join(" ", c)).contains("-h, --help");
    }
  }

  @Test
  void theCommandListShowsEachCommandsWholeFirstSentence() {
    // `onering --help` lists each subcommand with the first line of its description only: a line
    // that breaks a sentence there reads as "... and write".
    for (List<String> c : allCommands(OneRing.commandLine(), List.of())) {
      CommandLine sub = OneRing.commandLine();
      for (String name : c) {
        sub = sub.getSubcommands().get(name);
      }
      String[] description = sub.getCommandSpec().usageMessage().description();
      assertThat(description).as(String.join(" ", c)).isNotEmpty();
      assertThat(description[0].strip()).as(String.join(" ", c)).endsWith(".");
    }
  }

  @Test
  void everyStepOfTheSpecIsACommandAndAStep() {
    CommandLine cl = OneRing.commandLine();
    for (PipelineSpec.Step s : PipelineSpec.medallion().steps()) {
      if (s.isStreaming()) {
        // `onering stream ...`: the streaming CLI's, in a JVM of its own (StreamCliTest checks it);
        // the spec refuses it in the embedded runtime, so the runner never looks it up here.
        assertThat(s.runsIn("embedded")).as(s.id()).isFalse();
        assertThat(cl.getSubcommands()).as("no batch command shadows `onering stream`").doesNotContainKey("stream");
        continue;
      }
      if (s.isPython()) {
        // A program of a service virtualenv (PythonStep), not an onering subcommand.
        assertThat(Steps.of(s)).isInstanceOf(dev.onering.cli.steps.PythonStep.class);
        assertThat(Steps.ALL).doesNotContainKey(s.id());
        continue;
      }
      CommandLine c = cl;
      for (String word : s.command()) {
        c = c.getSubcommands().get(word);
        assertThat(c).as("onering %s", String.join(" ", s.command())).isNotNull();
      }
      assertThat(Steps.ALL).containsKey(s.id());
    }
  }

  @Test
  void wrongUsageExitsTwoAndSaysWhy() {
    Run badDate = run("silver", "--run-date", "2026-13-01");
    assertThat(badDate.code()).isEqualTo(2);
    assertThat(badDate.err()).contains("--run-date");
    Run both = run("silver", "--run-date", "2026-09-01", "--from", "2026-09-01", "--to", "2026-09-02");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("either --run-date or --from/--to");
    assertThat(run("no-such-step").code()).isEqualTo(2);
  }

  @Test
  void aFailedStepExitsOneAndStillPrintsItsResult(@TempDir Path dir) throws Exception {
    Path result = dir.resolve("r/result.json");
    Run r = run("ingest", "csv", "--csv-dir", dir.resolve("missing").toString(), "--lake", dir.resolve("lake").toString(),
        "--run-date", "2026-09-01", "--result", result.toString());
    assertThat(r.code()).isEqualTo(1);
    JsonNode json = r.lastLineJson();
    assertThat(json.get("step").asText()).isEqualTo("ingest-csv");
    assertThat(json.get("status").asText()).isEqualTo("failed");
    assertThat(json.get("error").asText()).contains("does not exist").contains("--csv-dir");
    assertThat(Json.MAPPER.readTree(result.toFile())).isEqualTo(json);
  }

  @Test
  void ingestCopiesFilesAsReceivedAndReplacesTheDate(@TempDir Path dir) throws Exception {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("A.csv"), "date,open,high,low,close,volume\n2026-09-01,1,2,1,2,3\n");
    Files.writeString(src.resolve("notes.txt"), "not a csv");
    String[] args = {"ingest", "csv", "--csv-dir", src.toString(), "--lake", dir.resolve("lake").toString(), "--run-date", "2026-09-01"};
    Run r = run(args);
    assertThat(r.code()).isZero();
    JsonNode json = r.lastLineJson();
    for (String field : List.of("step", "run_date", "status", "started_at", "duration_ms", "rows_in", "rows_out",
        "rows_rejected", "details", "quality", "error")) {
      assertThat(json.has(field)).as(field).isTrue();
    }
    assertThat(json.get("rows_out").asLong()).isEqualTo(1);
    Path landed = dir.resolve("lake/bronze/ohlcv_csv/ingest_date=2026-09-01/A.csv");
    assertThat(Files.readString(landed)).isEqualTo(Files.readString(src.resolve("A.csv")));
    Files.delete(src.resolve("A.csv"));
    Files.writeString(src.resolve("B.csv"), "date,open,high,low,close,volume\n");
    assertThat(run(args).code()).isZero();
    assertThat(landed).doesNotExist();
    assertThat(dir.resolve("lake/bronze/ohlcv_csv/ingest_date=2026-09-01/B.csv")).exists();
  }

  @Test
  void ingestTakesItsFolderFromTheCsvDirSettingWhenNoFlagIsGiven(@TempDir Path dir) throws Exception {
    Path src = Files.createDirectories(dir.resolve("landing"));
    Files.writeString(src.resolve("ACME.csv"), "date,open,high,low,close,volume\n2026-09-01,1,2,1,2,3\n");
    Path config = dir.resolve("onering.properties");
    Files.writeString(config, Settings.CSV_DIR + "=" + src + "\n");

    Run r = run("ingest", "csv", "--config", config.toString(), "--lake", dir.resolve("lake").toString(),
        "--run-date", "2026-09-01");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.lastLineJson().get("details").get("source").asText()).isEqualTo(src.toString());
    assertThat(dir.resolve("lake/bronze/ohlcv_csv/ingest_date=2026-09-01/ACME.csv")).hasSameTextualContentAs(
        src.resolve("ACME.csv"));
  }

  @Test
  void withoutAnyCsvFolderTheIngestIsSkippedSayingHowToGiveOne(@TempDir Path dir) throws Exception {
    Run r = run("ingest", "csv", "--lake", dir.resolve("lake").toString(), "--run-date", "2026-09-01");
    assertThat(r.code()).isZero();
    assertThat(r.lastLineJson().get("status").asText()).isEqualTo("skipped");
    assertThat(r.lastLineJson().get("details").get("reason").asText()).contains("--csv-dir").contains("ONERING_CSV_DIR");
  }
}
