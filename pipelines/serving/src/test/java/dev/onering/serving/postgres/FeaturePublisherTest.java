package dev.onering.serving.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.onering.features.FeatureSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturePublisherTest {

  @TempDir static Path dataDir;
  static EmbeddedPostgresServer server;
  static PostgresConnection pg;
  static final FeatureSpec SPEC = FeatureSpec.standard();

  @BeforeAll
  static void start() throws Exception {
    server = EmbeddedPostgresServer.start(dataDir, 0);
    pg = server.connection();
    PostgresMigrations.apply(pg, PostgresTestSupport.changelog());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** The Liquibase table and features.yaml name the same columns in the same order, with matching types. */
  @Test
  void theChangelogsTableIsTheSpecsContract() throws Exception {
    Map<String, String> pgType = Map.of("string", "text", "date", "date", "timestamp_utc", "timestamp with time zone",
        "double", "double precision", "int", "integer");
    List<String> expected = SPEC.columns().stream().map(c -> c.name() + " " + pgType.get(c.type())).toList();
    List<String> actual = new ArrayList<>();
    try (Connection c = pg.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'gold'"
            + " AND table_name = 'features_daily' ORDER BY ordinal_position")) {
      while (rs.next()) {
        actual.add(rs.getString(1) + " " + rs.getString(2));
      }
    }
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private static Map<String, Object> row(String symbol, LocalDate d, Double z, Integer label) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (FeatureSpec.Column c : SPEC.columns()) {
      m.put(c.name(), switch (c.type()) {
        case "double" -> 0.1 + 0.2;
        case "int" -> 3;
        default -> null;
      });
    }
    m.put("symbol", symbol);
    m.put("trade_date", d);
    m.put("event_timestamp", d.atTime(20, 0).toInstant(java.time.ZoneOffset.UTC));
    m.put("asset_class", "equity\twith a tab");
    m.put("zscore_20", z);
    m.put(SPEC.label().name(), label);
    return m;
  }

  @Test
  void replacingLeavesExactlyTheNewRowsWithTheirValues() throws Exception {
    LocalDate d = LocalDate.of(2026, 9, 1);
    FeaturePublisher.replace(pg, SPEC, List.of(row("AAA", d, 1.5, 1), row("BBB", d, null, null)));
    assertThat(FeaturePublisher.replace(pg, SPEC, List.of(row("AAA", d, -2.25, 0)))).isEqualTo(1);
    Map<String, Object> got = new HashMap<>();
    try (Connection c = pg.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT count(*) OVER () AS n, * FROM gold.features_daily")) {
      assertThat(rs.next()).isTrue();
      got.put("n", rs.getLong("n"));
      got.put("zscore_20", rs.getDouble("zscore_20"));
      got.put("ret_1", rs.getDouble("ret_1"));
      got.put("label", rs.getInt("label"));
      got.put("asset_class", rs.getString("asset_class"));
      got.put("event_timestamp", rs.getObject("event_timestamp", OffsetDateTime.class).toInstant());
    }
    assertThat(got).containsEntry("n", 1L).containsEntry("zscore_20", -2.25).containsEntry("ret_1", 0.1 + 0.2)
        .containsEntry("label", 0).containsEntry("asset_class", "equity\twith a tab")
        .containsEntry("event_timestamp", Instant.parse("2026-09-01T20:00:00Z"));
  }

  @Test
  void aDuplicateKeyLeavesThePreviousRows() throws Exception {
    LocalDate d = LocalDate.of(2026, 9, 2);
    FeaturePublisher.replace(pg, SPEC, List.of(row("KEEP", d, 1.0, 1)));
    assertThatThrownBy(() -> FeaturePublisher.replace(pg, SPEC, List.of(row("X", d, 1.0, 1), row("X", d, 2.0, 0))))
        .hasMessageContaining("gold.features_daily").hasMessageContaining("previous rows stand");
    try (Connection c = pg.open(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT string_agg(symbol, ',') FROM gold.features_daily")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("KEEP");
    }
  }
}
