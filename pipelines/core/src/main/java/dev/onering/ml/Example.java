package dev.onering.ml;

import java.time.LocalDate;

/**
 * One labelled row of the feature table, as the trainer sees it.
 *
 * @param labelEnd the last day the label looks at (the row's date plus the horizon in the symbol's
 *     trading days): the walk-forward purge drops a training row whose label reaches a test day
 * @param x the features in the order of features.yaml; NaN where a feature is missing
 */
public record Example(String symbol, LocalDate date, LocalDate labelEnd, double[] x, int label) {}
