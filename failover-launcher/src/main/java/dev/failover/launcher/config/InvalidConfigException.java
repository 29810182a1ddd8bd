package dev.failover.launcher.config;

import java.util.List;

/**
 * A configuration that cannot be used. Each problem names the key's path (such as {@code
 * providers[1].gateway}), the rule it breaks and the value it has.
 *
 * <p>The message is the single problem, or a count followed by one problem per line. Control
 * characters in a problem are escaped and a very long problem is cut, since problems quote values
 * of the file and are printed on a terminal.
 */
public final class InvalidConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Not serialized state of interest; a plain list of strings. */
  private final List<String> problems;

  /** The longest problem printed; a longer one is cut. */
  static final int MAX_PROBLEM_CHARS = 2000;

  /**
   * @param problems what is wrong, one sentence each, at least one
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public InvalidConfigException(List<String> problems) {
    super(format(safe(problems)));
    this.problems = safe(problems);
  }

  /** One problem. */
  public InvalidConfigException(String problem) {
    this(List.of(problem));
  }

  /** One problem, caused by {@code cause} (such as the I/O error reading the file). */
  public InvalidConfigException(String problem, Throwable cause) {
    super(safe(problem), cause);
    this.problems = List.of(safe(problem));
  }

  /** Every problem found, in the order of the file. */
  public List<String> problems() {
    return problems;
  }

  /** Problems as they may be printed: control characters escaped, each of a bounded length. */
  private static List<String> safe(List<String> problems) {
    return problems.stream().map(InvalidConfigException::safe).toList();
  }

  /**
   * {@code problem} with its control characters escaped ({@link Messages#escape}) and cut after
   * {@value #MAX_PROBLEM_CHARS} characters: a value of the file can be in it.
   */
  private static String safe(String problem) {
    String escaped = Messages.escape(problem);
    return escaped.length() <= MAX_PROBLEM_CHARS
        ? escaped
        : escaped.substring(0, MAX_PROBLEM_CHARS) + "... (cut)";
  }

  private static String format(List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    if (problems.size() == 1) {
      return problems.get(0);
    }
    StringBuilder text = new StringBuilder().append(problems.size()).append(" problems:");
    for (String problem : problems) {
      text.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return text.toString();
  }
}
