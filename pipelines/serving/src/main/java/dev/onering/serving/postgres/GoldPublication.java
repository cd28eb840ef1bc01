package dev.onering.serving.postgres;

import java.time.Instant;

/**
 * One Gold publish as recorded in {@code gold.publications}: its id, the run that made it, when
 * (start of its transaction) and how many rows each table received.
 */
public record GoldPublication(
    long publicationId, String runId, Instant publishedAt, long dailyRows, long summaryRows) {}
