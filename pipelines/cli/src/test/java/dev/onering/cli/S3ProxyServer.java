package dev.onering.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * A real S3 API on loopback for the s3a lake tests: S3Proxy over an in-memory blob store in this
 * JVM, with V4 signatures checked against one account, reached through hadoop-aws and the AWS SDK
 * (and ClickHouse's s3()) exactly as MinIO is in the stack.
 */
final class S3ProxyServer implements AutoCloseable {

  private final S3Proxy proxy;
  private final BlobStore blobs;

  private S3ProxyServer(S3Proxy proxy, BlobStore blobs) {
    this.proxy = proxy;
    this.blobs = blobs;
  }

  static S3ProxyServer start(String accessKey, String secretKey, List<String> buckets) throws Exception {
    BlobStore blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class).getBlobStore();
    buckets.forEach(b -> blobs.createContainerInLocation(null, b));
    S3Proxy proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
        .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey).build();
    proxy.start();
    while (!"STARTED".equals(proxy.getState())) {
      Thread.sleep(10);
    }
    return new S3ProxyServer(proxy, blobs);
  }

  String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  BlobStore blobs() {
    return blobs;
  }

  /** Every key of a bucket. */
  List<String> keys(String bucket) {
    List<String> keys = new ArrayList<>();
    for (StorageMetadata m : blobs.list(bucket, ListContainerOptions.Builder.recursive())) {
      keys.add(m.getName());
    }
    return keys;
  }

  /** An object's bytes as ISO-8859-1 text: any byte sequence, searchable for ASCII. */
  String read(String bucket, String key) throws IOException {
    try (InputStream in = blobs.getBlob(bucket, key).getPayload().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
  }
}
