package dev.onering.lake;

import java.util.Map;
import java.util.Optional;

/**
 * Where an {@code s3a://} lake's object store is and how to sign in, read once from the
 * environment. The stack sets the {@code ONERING_S3_*} names (compose.yaml, {@code x-onering-env});
 * the AWS SDK's own names are the fallback, so a shell configured for the AWS CLI works too.
 * Secrets only ever come from the environment.
 *
 * @param endpoint the S3 API's base URL, e.g. {@code http://minio:9000}; null for AWS itself
 * @param region the signing region; MinIO accepts any, AWS needs the bucket's
 * @param pathStyle {@code http://host/bucket/key} rather than {@code http://bucket.host/key}:
 *     MinIO and S3Proxy serve buckets only as paths
 */
public record S3Endpoint(String endpoint, String accessKey, String secretKey, String region, boolean pathStyle) {

  public static final String ENDPOINT_ENV = "ONERING_S3_ENDPOINT";
  public static final String ACCESS_KEY_ENV = "ONERING_S3_ACCESS_KEY";
  public static final String SECRET_KEY_ENV = "ONERING_S3_SECRET_KEY";
  public static final String REGION_ENV = "AWS_REGION";
  public static final String REGION_DEFAULT = "us-east-1";

  @Override
  public String toString() {
    // Never print the secret.
    return "S3Endpoint[" + (endpoint == null ? "AWS" : endpoint) + ", access key " + accessKey + "]";
  }

  /** From {@code ONERING_S3_*}, else {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ACCESS_KEY_ID} / ... */
  public static S3Endpoint fromEnvironment(Map<String, String> env) {
    String endpoint = first(env, ENDPOINT_ENV, "AWS_ENDPOINT_URL_S3").orElse(null);
    return new S3Endpoint(endpoint,
        first(env, ACCESS_KEY_ENV, "AWS_ACCESS_KEY_ID").orElse(null),
        first(env, SECRET_KEY_ENV, "AWS_SECRET_ACCESS_KEY").orElse(null),
        first(env, REGION_ENV).orElse(REGION_DEFAULT),
        // A custom endpoint is MinIO-like in this project; AWS itself uses virtual hosts.
        endpoint != null);
  }

  /**
   * Hadoop's s3a settings for this endpoint: path-style access (MinIO serves buckets as paths), TLS
   * only for an https endpoint, and the keys, when given; without keys s3a's default chain applies
   * (environment, profile, instance role). Hold them in memory only: they carry the secret key.
   */
  public Map<String, String> s3aSettings() {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    if (endpoint != null) {
      m.put("fs.s3a.endpoint", endpoint);
      m.put("fs.s3a.connection.ssl.enabled", String.valueOf(endpoint.startsWith("https:")));
    }
    m.put("fs.s3a.endpoint.region", region);
    m.put("fs.s3a.path.style.access", String.valueOf(pathStyle));
    // Keep directory markers rather than delete the parents' on every write: nothing here reads
    // the bucket with a pre-3.3 s3a, and it saves a bulk delete per file. Hadoop 3.4's default,
    // pinned so a different Hadoop on the cluster behaves the same.
    m.put("fs.s3a.directory.marker.retention", "keep");
    if (hasCredentials()) {
      m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      m.put("fs.s3a.access.key", accessKey);
      m.put("fs.s3a.secret.key", secretKey);
    }
    return m;
  }

  public boolean hasCredentials() {
    return accessKey != null && secretKey != null;
  }

  private static Optional<String> first(Map<String, String> env, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return Optional.of(v.strip());
      }
    }
    return Optional.empty();
  }
}
