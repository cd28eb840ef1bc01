package dev.onering.cli.steps;

import dev.onering.simulator.SimulationConfig;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

/**
 * What a step is asked to do.
 *
 * @param dates the partitions to work on; empty means every date the input has
 * @param runId names the run in audit tables and the report
 * @param simulation the dataset to generate (the generate step)
 * @param csvSource the folder of CSV files to import (a local path or an s3a URI), or null to skip the import
 * @param truthDir where the simulator writes its clean truth, or null
 */
public record StepRequest(
    List<LocalDate> dates, String runId, SimulationConfig simulation, String csvSource, Path truthDir) {

  public StepRequest {
    dates = List.copyOf(dates);
  }

  /** The date a single-date step reports, or null when it covered several. */
  public LocalDate runDate() {
    return dates.size() == 1 ? dates.get(0) : null;
  }
}
