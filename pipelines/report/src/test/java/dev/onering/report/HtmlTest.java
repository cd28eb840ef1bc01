package dev.onering.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.pipeline.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlTest {

  @Test
  void escapesTheFiveMarkupCharacters() {
    assertThat(Html.esc("a<b>&\"c'")).isEqualTo("a&lt;b&gt;&amp;&quot;c&#39;");
    assertThat(Html.esc("plain")).isEqualTo("plain");
    assertThat(Html.esc(null)).isEmpty();
  }

  @Test
  void scriptJsonCannotEndTheScriptElementAndStillParses() throws Exception {
    Map<String, String> value = Map.of("s", "</script><!-- & -->");
    String json = Html.scriptJson(value);
    assertThat(json).doesNotContain("<").doesNotContain(">").doesNotContain("&");
    assertThat(Json.MAPPER.readValue(json, Map.class)).isEqualTo(value);
  }

  @Test
  void prettyJsonIsEscapedForAPreBlock() {
    assertThat(Html.prettyJson(Map.of("k", "<b>"))).contains("&quot;k&quot; : &quot;&lt;b&gt;&quot;");
  }
}
