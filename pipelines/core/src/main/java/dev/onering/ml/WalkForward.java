package dev.onering.ml;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Walk-forward folds by date: the labelled dates are split into an initial training span and
 * {@code folds} consecutive test blocks after it. Fold f tests on block f and trains on every row
 * before it (an expanding window) whose label window ends before the block's first day: a purge of
 * at least the label's horizon, so no training label has seen a test day's prices. The last block
 * is the holdout the registered model and the current champion are compared on.
 */
public final class WalkForward {
  private WalkForward() {}

  /**
   * @param train indexes into the example list, in the list's order
   * @param purged rows dated before the test block that were left out because their label window
   *     reaches into it
   */
  public record Fold(int index, LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo,
      int[] train, int[] test, int purged) {}

  /** The fewest labelled dates {@link #folds} accepts: two to train on first, and one per test block. */
  public static int minimumDates(int folds, double initialShare) {
    int n = folds + 2;
    while ((int) Math.floor(n * initialShare) < 2 || n - (int) Math.floor(n * initialShare) < folds) {
      n++;
    }
    return n;
  }

  /**
   * @param initialShare the share of the labelled dates that only ever train (the first window)
   * @throws IllegalArgumentException when there are too few dates for the folds, saying how many
   */
  public static List<Fold> folds(List<Example> rows, int folds, double initialShare) {
    TreeSet<LocalDate> dateSet = new TreeSet<>();
    rows.forEach(r -> dateSet.add(r.date()));
    List<LocalDate> dates = new ArrayList<>(dateSet);
    int first = (int) Math.floor(dates.size() * initialShare);
    int testDates = dates.size() - first;
    if (folds < 1 || first < 2 || testDates < folds) {
      throw new IllegalArgumentException(String.format(
          "walk-forward needs at least %d labelled dates for %d folds (%.0f%% of them to train first); the feature "
              + "table has %d labelled dates over %d rows. Generate more days (onering run --days N) or import a "
              + "longer CSV history", minimumDates(folds, initialShare), folds, initialShare * 100,
          dates.size(), rows.size()));
    }
    List<Fold> out = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      LocalDate from = dates.get(first + f * testDates / folds);
      LocalDate to = dates.get(first + (f + 1) * testDates / folds - 1);
      List<Integer> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      int purged = 0;
      LocalDate trainFrom = null;
      LocalDate trainTo = null;
      for (int i = 0; i < rows.size(); i++) {
        Example r = rows.get(i);
        if (!r.date().isBefore(from) && !r.date().isAfter(to)) {
          test.add(i);
        } else if (r.date().isBefore(from)) {
          if (r.labelEnd().isBefore(from)) {
            train.add(i);
            trainFrom = trainFrom == null || r.date().isBefore(trainFrom) ? r.date() : trainFrom;
            trainTo = trainTo == null || r.date().isAfter(trainTo) ? r.date() : trainTo;
          } else {
            purged++;
          }
        }
      }
      out.add(new Fold(f + 1, trainFrom, trainTo, from, to, ints(train), ints(test), purged));
    }
    return out;
  }

  private static int[] ints(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }
}
