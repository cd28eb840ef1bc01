package dev.onering.serving.clickhouse;

import java.nio.file.Path;

/** The Silver store contract on chDB, the embedded runtime's store. */
class ChDbSilverStoreTest extends SilverStoreContract {

  @Override
  Opened open(Path dataDir) {
    ChDbSilverStore store = ChDbSilverStore.open(dataDir);
    return new Opened(store, store.chdb(), store);
  }
}
