package dev.onering.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the lake's paths point in each root form, and the local file system behind LakeFiles. */
class LakeTest {

  @Test
  void aSchemeAloneMakesEachZoneItsOwnBucket() {
    Lake lake = Lake.at("s3a://");
    assertThat(lake.zonesAreBuckets()).isTrue();
    assertThat(lake.isLocal()).isFalse();
    assertThat(lake.uri(Lake.BRONZE_TICKS + "/date=2026-09-01")).isEqualTo("s3a://bronze/ticks/date=2026-09-01");
    assertThat(lake.uri(Lake.SILVER_TRADES)).isEqualTo("s3a://silver/trades");
  }

  @Test
  void aBucketRootHoldsEveryZoneUnderIt() {
    Lake lake = Lake.at("s3a://onering/lake/");
    assertThat(lake.zonesAreBuckets()).isFalse();
    assertThat(lake.uri(Lake.SILVER_TRADES)).isEqualTo("s3a://onering/lake/silver/trades");
    assertThat(lake.uri("")).isEqualTo("s3a://onering/lake");
    assertThatThrownBy(() -> lake.path("x")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> LakeFiles.local(lake)).hasMessageContaining("s3a://onering/lake")
        .hasMessageContaining("LakeFs");
  }

  @Test
  void localFilesListDataOnlyInNameOrderAndDeleteFolders(@TempDir Path root) throws IOException {
    LakeFiles files = LakeFiles.local(Lake.at(root));
    for (String name : new String[] {"part-1.parquet", "part-0.parquet", ".part-0.parquet.crc", "_SUCCESS"}) {
      try (OutputStream out = files.create("silver/trades/trade_date=2026-09-01/" + name)) {
        out.write(name.getBytes(StandardCharsets.UTF_8));
      }
    }
    Files.createDirectories(root.resolve("silver/trades/trade_date=2026-09-02"));
    Files.createDirectories(root.resolve("silver/trades/other"));

    assertThat(files.list("silver/trades/trade_date=2026-09-01", ".parquet")).containsExactly(
        "silver/trades/trade_date=2026-09-01/part-0.parquet", "silver/trades/trade_date=2026-09-01/part-1.parquet");
    assertThat(files.list("silver/trades/trade_date=2026-09-09", "")).isEmpty();
    assertThat(files.partitionValues("silver/trades", "trade_date")).containsExactly("2026-09-01", "2026-09-02");
    try (var in = files.open("silver/trades/trade_date=2026-09-01/part-1.parquet")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("part-1.parquet");
    }

    files.delete("silver/trades/trade_date=2026-09-01");
    assertThat(files.exists("silver/trades/trade_date=2026-09-01")).isFalse();
    files.delete("silver/trades/trade_date=2026-09-01"); // nothing there is fine
  }

  @Test
  void theS3EndpointComesFromOneringVariablesThenAwsOnesAndNeverPrintsTheSecret() {
    S3Endpoint s3 = S3Endpoint.fromEnvironment(Map.of(
        "ONERING_S3_ENDPOINT", "http://minio:9000", "ONERING_S3_ACCESS_KEY", "onering",
        "AWS_ACCESS_KEY_ID", "ignored", "AWS_SECRET_ACCESS_KEY", "from-aws"));
    assertThat(s3).isEqualTo(new S3Endpoint("http://minio:9000", "onering", "from-aws", "us-east-1", true));
    assertThat(s3.toString()).doesNotContain("from-aws");
    assertThat(S3Endpoint.fromEnvironment(Map.of()).pathStyle()).isFalse();
  }
}
