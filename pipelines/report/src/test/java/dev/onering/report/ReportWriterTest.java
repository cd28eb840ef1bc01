package dev.onering.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.pipeline.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

  record Figures(String id, long n) {}

  @Test
  void writesJsonAndHtmlIntoTheFolder(@TempDir Path tmp) throws Exception {
    Figures f = new Figures("r1", 42);
    ReportWriter.Written written = ReportWriter.write(f, x -> "<p>" + x.n() + "</p>", tmp.resolve("out/r1"));
    assertThat(written.json()).isEqualTo(tmp.resolve("out/r1/report.json"));
    assertThat(Json.MAPPER.readValue(written.json().toFile(), Figures.class)).isEqualTo(f);
    assertThat(Files.readString(written.html())).isEqualTo("<p>42</p>");
    try (var files = Files.list(tmp.resolve("out/r1"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.json", "report.html");
    }
  }

  @Test
  void rewritingReplacesBothFiles(@TempDir Path tmp) throws Exception {
    ReportWriter.write(new Figures("first attempt", 1), x -> x.id(), tmp);
    ReportWriter.Written written = ReportWriter.write(new Figures("second", 2), x -> x.id(), tmp);
    assertThat(Json.MAPPER.readValue(written.json().toFile(), Figures.class)).isEqualTo(new Figures("second", 2));
    assertThat(Files.readString(written.html())).isEqualTo("second");
  }

  @Test
  void theFiguresAreOnDiskEvenWhenThePageCannotBeRendered(@TempDir Path tmp) {
    assertThatThrownBy(() -> ReportWriter.write(new Figures("r", 7), x -> {
      throw new IllegalStateException("no page");
    }, tmp)).hasMessage("no page");
    assertThat(tmp.resolve("report.json")).isRegularFile();
    assertThat(tmp.resolve("report.html")).doesNotExist();
  }
}
