package dev.onering.stream.cli;

import dev.onering.stream.StreamEnv;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.admin.PulsarAdmin;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import picocli.CommandLine.Option;

/**
 * Where the broker is. The defaults are the stack's ports as published on this host
 * (compose.yaml); inside the stack, and for an embedded broker, the environment says otherwise.
 */
public final class PulsarOptions {
  public static final String SERVICE_URL_ENV = StreamEnv.PULSAR_URL;
  public static final String ADMIN_URL_ENV = StreamEnv.PULSAR_ADMIN_URL;
  public static final String SERVICE_URL_DEFAULT = "pulsar://127.0.0.1:6650";
  public static final String ADMIN_URL_DEFAULT = "http://127.0.0.1:8090";

  @Option(names = "--service-url", paramLabel = "URL",
      description = "Pulsar broker (env " + SERVICE_URL_ENV + ", default: ${DEFAULT-VALUE}).",
      defaultValue = SERVICE_URL_DEFAULT)
  String serviceUrl;

  @Option(names = "--admin-url", paramLabel = "URL",
      description = "Pulsar admin API (env " + ADMIN_URL_ENV + ", default: ${DEFAULT-VALUE}).",
      defaultValue = ADMIN_URL_DEFAULT)
  String adminUrl;

  public String serviceUrl() {
    return serviceUrl;
  }

  public String adminUrl() {
    return adminUrl;
  }

  public PulsarClient client() throws PulsarClientException {
    return PulsarClient.builder().serviceUrl(serviceUrl).operationTimeout(30, TimeUnit.SECONDS).build();
  }

  public PulsarAdmin admin() throws PulsarClientException {
    return PulsarAdmin.builder().serviceHttpUrl(adminUrl)
        .connectionTimeout(10, TimeUnit.SECONDS).requestTimeout(30, TimeUnit.SECONDS).build();
  }

  /** What to say when the broker does not answer. */
  public String unreachable() {
    return "is a broker running at " + serviceUrl + " (admin " + adminUrl + ")? Start one with 'onering stream broker' "
        + "and set " + SERVICE_URL_ENV + " and " + ADMIN_URL_ENV + " to the URLs it prints, or 'make up PROFILES=streaming'";
  }
}
