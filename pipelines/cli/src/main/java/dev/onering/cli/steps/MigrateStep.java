package dev.onering.cli.steps;

import dev.onering.cli.StepContext;
import dev.onering.serving.postgres.PostgresMigrations;
import java.util.LinkedHashMap;
import java.util.Map;

/** Applies the Liquibase changelogs of platform/liquibase to ClickHouse and Postgres. */
public final class MigrateStep implements PipelineStep {

  @Override
  public String id() {
    return "migrate";
  }

  @Override
  public Outcome execute(StepContext ctx, StepRequest request) {
    int clickhouse = ctx.silver().migrate(ctx.changelog("clickhouse"));
    int postgres = PostgresMigrations.apply(ctx.postgres(), ctx.changelog("postgres"));
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("clickhouse_changesets_applied", clickhouse);
    details.put("postgres_changesets_applied", postgres);
    return Outcome.success(0, clickhouse + postgres, 0, details);
  }
}
