package dev.onering.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.onering.ticks.Tick;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLineWriterTest {

  @Test
  void stringsThatNeedEscapingComeBackAsWritten() throws Exception {
    String nasty = "quote \" backslash \\ newline \n tab \t bell \u0007 accent é emoji \uD83D\uDE00 </script>";
    String line = JsonLineWriter.line(g -> {
      g.writeStringField("detail", nasty);
      g.writeNumberField("move", -0.0047);
      g.writeNullField("field");
    });

    assertThat(line).doesNotContain("\n");
    JsonNode parsed = Json.MAPPER.readTree(line);
    assertThat(parsed.get("detail").asText()).isEqualTo(nasty);
    assertThat(parsed.get("move").asDouble()).isEqualTo(-0.0047);
    assertThat(parsed.get("field").isNull()).isTrue();
  }

  @Test
  void oneWriterWritesManyLinesIntoOneBufferAndIntoOthers() throws Exception {
    JsonLineWriter writer = new JsonLineWriter();
    StringBuilder rows = new StringBuilder();
    StringBuilder elsewhere = new StringBuilder("prefix ");
    for (int i = 0; i < 3; i++) {
      int n = i;
      writer.appendLine(rows, g -> g.writeNumberField("n", n));
      writer.append(elsewhere, g -> g.writeStringField("s", "x" + n));
    }

    assertThat(rows.toString()).endsWith("}\n").hasLineCount(3);
    try (MappingIterator<JsonNode> it = Json.MAPPER.readerFor(JsonNode.class).readValues(rows.toString())) {
      assertThat(it.readAll()).extracting(node -> node.get("n").asInt()).containsExactly(0, 1, 2);
    }
    // Objects follow one another with nothing between them: the caller chose no newline here.
    assertThat(elsewhere.toString()).isEqualTo("prefix {\"s\":\"x0\"}{\"s\":\"x1\"}{\"s\":\"x2\"}");
  }

  @Test
  void aTicksLineCarriesEveryFieldAndItsDefectsAsNulls() throws Exception {
    Tick t = new Tick("A\"B", 7, 1_788_271_200_000_017L, 63251.17, 1.0E-4, Tick.SELL, "XNAS");
    JsonNode full = Json.MAPPER.readTree(t.toJson());
    assertThat(List.of(full.get("symbol").asText(), full.get("seq").asLong(), full.get("event_time").asLong(),
            full.get("price").asDouble(), full.get("size").asDouble(), full.get("side").asText(),
            full.get("exchange").asText()))
        .containsExactly(t.symbol(), t.seq(), t.eventTimeMicros(), t.price(), t.size(), t.side(), t.exchange());

    JsonNode noPrice = Json.MAPPER.readTree(JsonLineWriter.line(g -> t.writeFields(g, null, 3.0)));
    assertThat(noPrice.get("price").isNull()).isTrue();
    assertThat(noPrice.get("size").asDouble()).isEqualTo(3.0);
  }
}
