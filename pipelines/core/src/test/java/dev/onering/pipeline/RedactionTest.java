package dev.onering.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void everyStringLiteralOfAStatementIsBlankedAndItsShapeStays() {
    String sql = "SELECT count() FROM s3('http://minio:9000/bronze/*.jsonl', 'AKIA', 'wJalr/K7+MDENG', 'LineAsString')"
        + " WHERE x = 3";
    assertThat(Redaction.sqlLiterals(sql))
        .isEqualTo("SELECT count() FROM s3('***', '***', '***', '***') WHERE x = 3");
  }

  @Test
  void escapedAndDoubledQuotesStayInsideTheirLiteral() {
    // ClickHouse escapes with a backslash, Postgres doubles the quote: either way one literal.
    assertThat(Redaction.sqlLiterals("SELECT 'it\\'s k3y', 'it''s k3y', 1")).isEqualTo("SELECT '***', '***', 1");
    assertThat(Redaction.sqlLiterals("SELECT 'a\\\\', 'k3y'")).isEqualTo("SELECT '***', '***'");
  }

  @Test
  void anApostropheInACommentOrAnIdentifierDoesNotOpenALiteral() {
    // Were the comment's apostrophe taken as a quote, 'k3y' would end up outside a literal.
    assertThat(Redaction.sqlLiterals("-- don't\nSELECT 'k3y' AS \"it's\", `o'k` /* it's */ FROM t"))
        .isEqualTo("-- don't\nSELECT '***' AS \"it's\", `o'k` /* it's */ FROM t");
  }

  @Test
  void anUnterminatedLiteralIsBlankedToTheEnd() {
    assertThat(Redaction.sqlLiterals("SELECT s3('http://x', 'k3y")).isEqualTo("SELECT s3('***', '***'");
    assertThat(Redaction.sqlLiterals(null)).isNull();
  }

  @Test
  void credentialShapedTextIsBlankedWithoutItsKey() {
    assertThat(Redaction.credentials("jdbc:postgresql://db:5432/onering?user=onering&password=pg-s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/onering?user=onering&password=***&ssl=true");
    assertThat(Redaction.credentials("http://onering:ch-s3cret@clickhouse:8123/"))
        .isEqualTo("http://onering:***@clickhouse:8123/");
    assertThat(Redaction.credentials("X-ClickHouse-Key: ch-s3cret, aws_secret_access_key = wJalr/K7+"))
        .isEqualTo("X-ClickHouse-Key: ***, aws_secret_access_key = ***");
    // Prose that names a variable is left alone.
    String hint = "check ONERING_CLICKHOUSE_USER and ONERING_CLICKHOUSE_PASSWORD (in the stack: .env)";
    assertThat(Redaction.credentials(hint)).isEqualTo(hint);
  }

  @Test
  void knownSecretsAreBlankedWhereverTheyAppearLongestFirst() {
    Redaction r = Redaction.of(Arrays.asList("abc", "abcdef", null, " "));
    assertThat(r.apply("token abcdef and abc; abcdefabc")).isEqualTo("token *** and ***; ******");
    assertThat(Redaction.of(List.of()).apply("password: hunter2")).isEqualTo("password: ***");
    assertThat(Redaction.none().apply(null)).isNull();
  }
}
