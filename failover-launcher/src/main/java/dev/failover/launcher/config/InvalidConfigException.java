package dev.failover.launcher.config;

import java.util.List;

/**
 * A configuration that cannot be used. Each problem names the key's path (such as {@code
 * providers[1].gateway}), the rule it breaks and the value it has.
 *
 * <p>The message is the single problem, or a count followed by one problem per line.
 */
public final class InvalidConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Not serialized state of interest; a plain list of strings. */
  private final List<String> problems;

  /**
   * @param problems what is wrong, one sentence each, at least one
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public InvalidConfigException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /** One problem. */
  public InvalidConfigException(String problem) {
    this(List.of(problem));
  }

  /** One problem, caused by {@code cause} (such as the I/O error reading the file). */
  public InvalidConfigException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  /** Every problem found, in the order of the file. */
  public List<String> problems() {
    return problems;
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
