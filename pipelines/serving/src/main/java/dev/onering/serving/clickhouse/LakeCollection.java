package dev.onering.serving.clickhouse;

import dev.onering.lake.S3Endpoint;
import java.util.Map;

/**
 * How ClickHouse reads an s3a lake without a key in any statement: a named collection, {@value
 * #NAME}, holds the object store's URL and keys in the engine's configuration, and SQL names only
 * the collection and a path, {@code s3(onering_lake, filename = 'bronze/ticks/...', format = ...)}.
 * A statement, and so every error that quotes it, carries no credential.
 *
 * <ul>
 *   <li>ClickHouse server (the stack): {@code platform/clickhouse/config.d/lake.xml} defines the
 *       collection, the URL of the stack's MinIO and the keys from the server's environment
 *       ({@code from_env}: {@code ONERING_S3_ACCESS_KEY}, {@code ONERING_S3_SECRET_KEY}), the keys
 *       not overridable from SQL;
 *   <li>chDB: {@link #chdbConfig} is handed to {@link ChDb#open(java.nio.file.Path, java.nio.file.Path, Map)}
 *       and becomes the engine's configuration at connect, in memory only.
 * </ul>
 *
 * ClickHouse shows a collection's values as {@code [HIDDEN]} in {@code system.named_collections}.
 */
public final class LakeCollection {

  /** The collection's name, the same in the server's config.d and in chDB's configuration. */
  public static final String NAME = "onering_lake";

  private static final String PREFIX = "named_collections." + NAME + ".";

  private LakeCollection() {}

  /**
   * chDB's configuration for the collection: the endpoint's URL (AWS's regional one when none is
   * set) and the keys.
   *
   * @throws IllegalArgumentException when the endpoint has no keys
   */
  public static Map<String, String> chdbConfig(S3Endpoint s3) {
    if (!s3.hasCredentials()) {
      throw new IllegalArgumentException("the lake's object store " + s3 + " has no access and secret key; set "
          + S3Endpoint.ACCESS_KEY_ENV + " and " + S3Endpoint.SECRET_KEY_ENV);
    }
    String url = s3.endpoint() != null ? s3.endpoint() : "https://s3." + s3.region() + ".amazonaws.com";
    return Map.of(
        PREFIX + "url", url,
        PREFIX + "access_key_id", s3.accessKey(),
        PREFIX + "secret_access_key", s3.secretKey());
  }

  /**
   * The lake's files as a ClickHouse table function.
   *
   * @param bucketAndKey the path under the endpoint, path-style: {@code <bucket>/<key glob>}, no
   *     leading slash (ClickHouse joins it to the collection's URL)
   * @param structure the columns, or null to let ClickHouse infer them
   */
  public static String s3(String bucketAndKey, String format, String structure) {
    if (bucketAndKey.startsWith("/")) {
      throw new IllegalArgumentException("'" + bucketAndKey + "' must not start with '/': ClickHouse would take it "
          + "as the whole URL instead of a path under the collection's endpoint");
    }
    return "s3(" + NAME + ", filename = " + ChDb.quote(bucketAndKey) + ", format = " + ChDb.quote(format)
        + (structure == null ? "" : ", structure = " + ChDb.quote(structure)) + ")";
  }
}
