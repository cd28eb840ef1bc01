package dev.onering.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.cli.OneRing;
import dev.onering.pipeline.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `make bench` at a tiny size: both engines run as processes, their Gold rows agree, the outputs exist. */
class BenchSmokeTest {

  @Test
  void aTinyBenchRunsBothEnginesAndFindsTheSameGold(@TempDir Path dir) throws Exception {
    int code = OneRing.commandLine().execute("bench", "--sizes", "15k", "--runs", "1", "--warmups", "0",
        "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("out").toString(), "--memory", "2g");
    assertThat(code).isZero();
    Path json;
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      json = files.filter(p -> p.getFileName().toString().equals("bench.json")).findFirst().orElseThrow();
    }
    JsonNode r = Json.MAPPER.readTree(json.toFile());
    assertThat(r.get("gold_equal").asBoolean()).isTrue();
    JsonNode size = r.get("sizes").get(0);
    assertThat(size.get("equality").get("onering_rows").asLong()).isPositive()
        .isEqualTo(size.get("equality").get("duckdb_rows").asLong());
    assertThat(size.get("onering_median_ms").asLong()).isPositive();
    assertThat(size.get("duckdb_peak_rss").asLong()).as("memory sampled").isPositive();
    assertThat(size.get("onering_steps_median_ms").has("silver")).isTrue();
    assertThat(size.get("ratio").asDouble())
        .isEqualTo(size.get("onering_median_ms").asDouble() / size.get("duckdb_median_ms").asDouble());
    assertThat(Files.readString(json.resolveSibling("bench.html"))).contains("echarts.init")
        .as("opens with no network").doesNotContainPattern("(src|href)=\"https?://");
  }

  @Test
  void sizesReadAsAPersonWritesThem() {
    assertThat(BenchCommand.parseSize("200k")).isEqualTo(200_000);
    assertThat(BenchCommand.parseSize("1.5M")).isEqualTo(1_500_000);
    assertThat(BenchCommand.parseSize("30000")).isEqualTo(30_000);
    assertThatThrownBy(() -> BenchCommand.parseSize("lots")).hasMessageContaining("200k, 1M or 20M");
  }

  @Test
  void theScalingExponentIsTheSlopeOnLogScales() {
    // Time doubling when data quadruples: exponent 0.5.
    var small = new BenchCommand.SizeResult("a", 0, 1_000, List.of(), List.of(), 100, 10, 0, 0, java.util.Map.of(), 0, 0, 0, null);
    var large = new BenchCommand.SizeResult("b", 0, 4_000, List.of(), List.of(), 200, 40, 0, 0, java.util.Map.of(), 0, 0, 0, null);
    assertThat(BenchCommand.exponent(List.of(small, large), true)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(BenchCommand.exponent(List.of(small, large), false)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(BenchCommand.median(List.of(5L, 1L, 3L))).isEqualTo(3);
  }
}
