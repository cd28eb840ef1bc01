package dev.onering.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onering.pipeline.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;

class AssetsTest {

  @Test
  void fillReplacesEachSlotOnceAndLeavesValuesAlone() {
    Map<String, String> slots = new LinkedHashMap<>();
    slots.put("a", "1 {{b}}");
    slots.put("b", "2");
    assertThat(Assets.fill("<{{a}}|{{b}}|{{a}}>", slots)).isEqualTo("<1 {{b}}|2|1 {{b}}>");
    assertThat(Assets.fill("no slots {{", Map.of())).isEqualTo("no slots {{");
  }

  @Test
  void aSlotWithoutAValueIsAnError() {
    assertThatThrownBy(() -> Assets.fill("x {{missing}} y", Map.of()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("{{missing}}");
  }

  @Test
  void echartsComesFromTheWebjarAtThePinnedVersion() {
    assertThat(Assets.echartsVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(Assets.echarts()).contains("echarts").hasSizeGreaterThan(500_000);
  }

  record Sample(String name, List<Integer> values) {}

  @Test
  void pageEmbedsDataAndMetaAsParseableJsonAroundTheBody() throws Exception {
    String html = Assets.page("A <title>", "<main id=\"m\">body</main>", new Sample("x</script>", List.of(1, 2)), Map.of("k", "v"));
    Document doc = Jsoup.parse(html);
    assertThat(doc.title()).isEqualTo("A <title>");
    assertThat(doc.getElementById("m").text()).isEqualTo("body");
    JsonNode data = Json.MAPPER.readTree(doc.getElementById("report-data").data());
    assertThat(data.get("name").asText()).isEqualTo("x</script>");
    assertThat(data.get("values").toString()).isEqualTo("[1,2]");
    assertThat(Json.MAPPER.readTree(doc.getElementById("report-meta").data()).get("k").asText()).isEqualTo("v");
    // The error monitor, two JSON blocks, ECharts and the chart script: nothing else, nothing from the network.
    assertThat(doc.select("script")).hasSize(5);
    assertThat(doc.select("script[src], link")).isEmpty();
    assertThat(doc.select("style").html()).contains(".kpi");
  }
}
