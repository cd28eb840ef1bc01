package dev.onering.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalkForwardTest {

  private static final LocalDate D0 = LocalDate.of(2026, 8, 3);

  /** Two symbols: one every day, one on weekdays only, labels reaching 5 of its own days ahead. */
  private static List<Example> rows(int days) {
    List<Example> out = new ArrayList<>();
    List<LocalDate> weekdays = new ArrayList<>();
    for (int d = 0; d < days + 10; d++) {
      LocalDate date = D0.plusDays(d);
      if (date.getDayOfWeek().getValue() <= 5) {
        weekdays.add(date);
      }
    }
    for (int d = 0; d < days; d++) {
      out.add(new Example("C", D0.plusDays(d), D0.plusDays(d + 5), new double[] {d}, d % 2));
    }
    for (int i = 0; i + 5 < weekdays.size() && weekdays.get(i).isBefore(D0.plusDays(days)); i++) {
      out.add(new Example("E", weekdays.get(i), weekdays.get(i + 5), new double[] {i}, i % 2));
    }
    return out;
  }

  @Test
  void foldsExpandAndNoTrainingLabelReachesItsTestBlock() {
    List<Example> rows = rows(60);
    List<WalkForward.Fold> folds = WalkForward.folds(rows, 4, 0.5);
    assertThat(folds).hasSize(4);
    int previousTrain = 0;
    LocalDate previousEnd = null;
    for (WalkForward.Fold f : folds) {
      assertThat(f.train().length).isGreaterThan(previousTrain); // expanding
      previousTrain = f.train().length;
      for (int i : f.train()) {
        assertThat(rows.get(i).labelEnd()).as("fold %d", f.index()).isBefore(f.testFrom());
      }
      for (int i : f.test()) {
        assertThat(rows.get(i).date()).isBetween(f.testFrom(), f.testTo());
      }
      if (previousEnd != null) {
        assertThat(f.testFrom()).isAfter(previousEnd); // consecutive, disjoint blocks
      }
      previousEnd = f.testTo();
      // Every row before the block is either trained on or purged: nothing silently lost.
      long before = rows.stream().filter(r -> r.date().isBefore(f.testFrom())).count();
      assertThat(f.train().length + f.purged()).isEqualTo((int) before);
      assertThat(f.purged()).as("the purge drops at least the horizon's rows").isGreaterThanOrEqualTo(5);
    }
    assertThat(folds.get(3).testTo()).isEqualTo(rows.stream().map(Example::date).max(LocalDate::compareTo).get());
  }

  @Test
  void theStatedMinimumIsExactlyWhatFoldsAccept() {
    int min = WalkForward.minimumDates(4, 0.5);
    List<Example> rows = new ArrayList<>();
    for (int d = 0; d < min; d++) {
      rows.add(new Example("C", D0.plusDays(d), D0.plusDays(d + 1), new double[] {d}, d % 2));
    }
    assertThat(WalkForward.folds(rows, 4, 0.5)).hasSize(4);
    assertThatThrownBy(() -> WalkForward.folds(rows.subList(1, min), 4, 0.5)).hasMessageContaining("at least " + min);
  }

  @Test
  void tooFewDatesSayHowManyAreNeeded() {
    assertThatThrownBy(() -> WalkForward.folds(rows(4), 4, 0.5))
        .hasMessageContaining("labelled dates for 4 folds")
        .hasMessageContaining("onering run --days N");
  }
}
