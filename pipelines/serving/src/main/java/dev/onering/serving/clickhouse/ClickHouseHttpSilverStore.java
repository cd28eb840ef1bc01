package dev.onering.serving.clickhouse;

import dev.onering.lake.LakeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Silver store on a ClickHouse server (the stack's {@code clickhouse} service), over HTTP. A
 * load sends each of the date's Parquet part files, read through {@link LakeFiles} (local folder or
 * s3a), as the body of {@code INSERT INTO t (...) SELECT CAST(...) FROM input('...') FORMAT
 * Parquet}: the server needs no access to the lake and no S3 credentials, and the CASTs refuse a
 * NULL exactly as the embedded load does.
 */
public final class ClickHouseHttpSilverStore extends ClickHouseSilverStore {

  private final ClickHouseHttp http;

  public ClickHouseHttpSilverStore(ClickHouseHttp http) {
    super(http);
    this.http = http;
  }

  /** The store {@value ClickHouseHttp#URL_ENV} names, if set. */
  public static Optional<ClickHouseHttpSilverStore> fromEnvironment(Map<String, String> env) {
    return ClickHouseHttp.fromEnvironment(env).map(ClickHouseHttpSilverStore::new);
  }

  public ClickHouseHttp http() {
    return http;
  }

  @Override
  protected void loadParts(SilverTable table, List<Column> columns, LocalDate date, LakeFiles lake,
      String folder, List<String> parts) throws IOException {
    // input() reads the request body with the structure given; ClickHouse buffers a Parquet body
    // (it needs the footer first), which a Silver part file, tens of MB at most, allows.
    String insert = insertHead(table, columns) + " SELECT " + selectList(columns, date)
        + " FROM input(" + ChDb.quote(fileStructure(columns)) + ") FORMAT Parquet";
    for (String part : parts) {
      http.insert(insert, () -> {
        try {
          return lake.open(part);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + lake.uri(part) + ": " + e.getMessage(), e);
        }
      });
    }
  }

  @Override
  public void close() {
    // Nothing held open: HttpClient's pooled connections close with the client.
  }
}
