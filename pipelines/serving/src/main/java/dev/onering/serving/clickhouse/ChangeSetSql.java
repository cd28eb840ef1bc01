package dev.onering.serving.clickhouse;

import java.util.List;

/**
 * One changeset of a Liquibase formatted-SQL changelog, as Liquibase parsed it: its identity
 * (id, author, file, as in DATABASECHANGELOG), its checksum and the statements to run.
 */
public record ChangeSetSql(
    String id,
    String author,
    String filename,
    String checksum,
    String description,
    String comments,
    boolean runOnChange,
    boolean runAlways,
    List<String> statements) {

  public ChangeSetSql {
    statements = List.copyOf(statements);
  }

  /** How Liquibase names a changeset in messages: {@code file::id::author}. */
  public String key() {
    return filename + "::" + id + "::" + author;
  }
}
