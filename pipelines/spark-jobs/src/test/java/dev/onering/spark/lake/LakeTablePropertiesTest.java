package dev.onering.spark.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.onering.lake.Lake;
import org.apache.iceberg.TableProperties;
import org.junit.jupiter.api.Test;

/** Core spells Iceberg's property keys without Iceberg on its classpath: they must be Iceberg's own. */
class LakeTablePropertiesTest {

  @Test
  void coresTablePropertiesAreIcebergsKeysAndValues() {
    assertThat(Lake.ICEBERG_TABLE_PROPERTIES).containsOnlyKeys(TableProperties.FORMAT_VERSION,
        TableProperties.WRITE_DISTRIBUTION_MODE, TableProperties.PARQUET_COMPRESSION, TableProperties.DELETE_MODE,
        TableProperties.UPDATE_MODE, TableProperties.MERGE_MODE);
    assertThat(Lake.ICEBERG_TABLE_PROPERTIES.get(TableProperties.WRITE_DISTRIBUTION_MODE))
        .isEqualTo(TableProperties.WRITE_DISTRIBUTION_MODE_NONE);
  }
}
