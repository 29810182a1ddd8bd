package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The result table: one row per metric, with the target beside the result.
 *
 * <p>Not thread-safe.
 */
final class Report {
  /** Whether a result meets its target. */
  enum Verdict {
    MET("met"),
    MISSED("**missed**"),
    NOT_MEASURED("not measured"),
    INFO("-");

    private final String text;

    Verdict(String text) {
      this.text = text;
    }
  }

  /** One metric. */
  record Row(String metric, String target, String result, Verdict verdict, String detail) {
    Row {
      checkNotNull(metric, "metric");
      checkNotNull(target, "target");
      checkNotNull(result, "result");
      checkNotNull(verdict, "verdict");
      checkNotNull(detail, "detail");
    }
  }

  private final List<Row> rows = new ArrayList<>();

  /** Adds a row. */
  void add(String metric, String target, String result, Verdict verdict, String detail) {
    rows.add(new Row(metric, target, result, verdict, detail));
  }

  /** Adds a row for a metric whose measurement failed. */
  void failed(String metric, String target, String why) {
    rows.add(new Row(metric, target, "failed", Verdict.NOT_MEASURED, why));
  }

  /** The table in markdown. */
  String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("| metric | target | result | verdict | detail |\n");
    out.append("|---|---|---|---|---|\n");
    for (Row row : rows) {
      out.append("| ").append(cell(row.metric()))
          .append(" | ").append(cell(row.target()))
          .append(" | ").append(cell(row.result()))
          .append(" | ").append(row.verdict().text)
          .append(" | ").append(cell(row.detail()))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
