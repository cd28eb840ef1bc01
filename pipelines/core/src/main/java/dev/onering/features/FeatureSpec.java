package dev.onering.features;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The feature table's contract, {@code pipelines/spec/features.yaml}: its keys, the model's inputs
 * in order, the attributes kept beside them and the label. The Spark features step, the Java train
 * step and the Python side (Feast, BentoML, Streamlit) all read that one file; nothing repeats the
 * list.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FeatureSpec(
    @JsonProperty("table") String table,
    @JsonProperty("entity") Column entity,
    @JsonProperty("keys") List<Column> keys,
    @JsonProperty("features") List<Column> features,
    @JsonProperty("attributes") List<Column> attributes,
    @JsonProperty("label") Label label) {

  public static final String RESOURCE = "onering/spec/features.yaml";
  /** Column types the file may use; each side maps them to its own (Spark, Postgres, Feast). */
  public static final Set<String> TYPES = Set.of("string", "date", "timestamp_utc", "double", "int");

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Column(
      @JsonProperty("name") String name,
      @JsonProperty("type") String type,
      @JsonProperty("description") String description) {}

  /**
   * @param horizonDays how many trading days ahead the label looks; rows whose horizon reaches past
   *     the last known day have no label
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Label(
      @JsonProperty("name") String name,
      @JsonProperty("type") String type,
      @JsonProperty("horizon_days") int horizonDays,
      @JsonProperty("description") String description) {

    public Column column() {
      return new Column(name, type, description);
    }
  }

  public FeatureSpec {
    keys = List.copyOf(keys);
    features = List.copyOf(features);
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
    if (label == null || label.horizonDays() < 1) {
      throw new IllegalArgumentException(RESOURCE + ": the label needs a name and horizon_days >= 1");
    }
    Set<String> seen = new HashSet<>();
    for (Column c : columnsOf(keys, features, attributes, List.of(label.column()))) {
      if (c.name() == null || !seen.add(c.name())) {
        throw new IllegalArgumentException(RESOURCE + ": column '" + c.name() + "' is missing a name or declared twice");
      }
      if (!TYPES.contains(c.type())) {
        throw new IllegalArgumentException(
            RESOURCE + ": column '" + c.name() + "' has type " + c.type() + "; the types are " + TYPES);
      }
    }
  }

  /** The shipped contract, from the classpath (the core jar carries pipelines/spec). */
  public static FeatureSpec standard() {
    try (InputStream in = FeatureSpec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the classpath");
      }
      return parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static FeatureSpec parse(InputStream yaml) throws IOException {
    return new ObjectMapper(new YAMLFactory()).readValue(yaml, FeatureSpec.class);
  }

  /** The model's inputs, in the order the model takes them. */
  public List<String> featureNames() {
    return features.stream().map(Column::name).toList();
  }

  /** Every column of the table in order: keys, features, attributes, label. */
  public List<Column> columns() {
    return columnsOf(keys, features, attributes, List.of(label.column()));
  }

  public List<String> columnNames() {
    return columns().stream().map(Column::name).toList();
  }

  @SafeVarargs
  private static List<Column> columnsOf(List<Column>... groups) {
    List<Column> all = new ArrayList<>();
    for (List<Column> g : groups) {
      all.addAll(g);
    }
    return all;
  }
}
