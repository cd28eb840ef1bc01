package dev.onering.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FeatureSpecTest {

  @Test
  void theShippedContractNamesKeysFeaturesAndAForwardLabel() {
    FeatureSpec spec = FeatureSpec.standard();
    assertThat(spec.table()).isEqualTo("features_daily");
    assertThat(spec.keys()).extracting(FeatureSpec.Column::name).containsExactly("symbol", "trade_date", "event_timestamp");
    assertThat(spec.featureNames()).contains("zscore_20", "rsi_14", "day_of_week").doesNotContain("label", "close");
    assertThat(spec.label().horizonDays()).isPositive();
    assertThat(spec.columnNames()).endsWith(spec.label().name());
  }

  @Test
  void aDuplicateOrUntypedColumnIsRefused() {
    String yaml = """
        table: t
        keys: [{name: symbol, type: string}]
        features: [{name: symbol, type: double}]
        label: {name: label, type: int, horizon_days: 5}
        """;
    assertThatThrownBy(() -> FeatureSpec.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))))
        .rootCause().hasMessageContaining("column 'symbol' is missing a name or declared twice");
    String untyped = yaml.replace("features: [{name: symbol, type: double}]", "features: [{name: x, type: float}]");
    assertThatThrownBy(() -> FeatureSpec.parse(new ByteArrayInputStream(untyped.getBytes(StandardCharsets.UTF_8))))
        .rootCause().hasMessageContaining("column 'x' has type float");
  }
}
