package dev.onering.stream.sink;

import dev.onering.serving.clickhouse.ChDbSilverStore;
import dev.onering.serving.clickhouse.SilverStore;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * Where the job's ClickHouse rows go, in a form that travels with the job graph: the embedded
 * engine's data directory in the local runtime, the ClickHouse server in the stack.
 */
public record SilverStoreTarget(String chdbDataDir) implements Serializable {

  public static SilverStoreTarget chdb(Path dataDir) {
    return new SilverStoreTarget(dataDir.toAbsolutePath().toString());
  }

  public SilverStore open() {
    return ChDbSilverStore.open(Path.of(chdbDataDir));
  }

  @Override
  public String toString() {
    return "chDB at " + chdbDataDir;
  }
}
