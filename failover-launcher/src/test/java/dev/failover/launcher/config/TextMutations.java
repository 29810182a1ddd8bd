package dev.failover.launcher.config;

import dev.failover.testkit.Shrinker;
import dev.failover.testkit.Shrinkers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Random edits of a valid text file (a config, a status document), for fuzz tests run through the
 * testkit's {@code Property}: a case is a list of {@link Mutation}s applied in order to the valid
 * text, and shrinks by dropping mutations and by shortening inserted text.
 *
 * <p>Positions are taken modulo the text's current length, so that any sublist of a case still
 * applies: what shrinking needs. Stateless and thread-safe.
 */
public final class TextMutations {
  /** What a mutation does. */
  public enum Kind {
    /** Inserts {@code text} at {@code position}. */
    INSERT,
    /** Deletes up to {@code length} characters at {@code position}. */
    DELETE,
    /** Replaces the value after the {@code position}-th separator ({@code =} or {@code :}). */
    REPLACE_VALUE,
    /** Repeats the line at {@code position}. */
    DUPLICATE_LINE,
    /** Removes the line at {@code position}. */
    DELETE_LINE,
    /** Inserts the line {@code text} before the line at {@code position}. */
    INSERT_LINE
  }

  /** One edit; see {@link Kind}. */
  public record Mutation(Kind kind, int position, int length, String text) {
    @Override
    public String toString() {
      String shown =
          text.length() > 40 ? text.substring(0, 40) + "...(" + text.length() + ")" : text;
      return kind + "@" + position + (kind == Kind.DELETE ? "+" + length : "") + " "
          + Messages.escape(shown);
    }
  }

  private final List<String> values;
  private final List<String> fragments;
  private final List<String> lines;

  /**
   * @param values replacement values, such as numbers at the edges, odd strings, wrong types
   * @param fragments short text inserted anywhere, such as brackets, quotes, control characters
   * @param lines whole lines inserted, such as known keys with odd values
   */
  public TextMutations(List<String> values, List<String> fragments, List<String> lines) {
    this.values = List.copyOf(values);
    this.fragments = List.copyOf(fragments);
    this.lines = List.copyOf(lines);
  }

  /** A generator of 1 to {@code maxMutations} mutations. */
  public Function<SplittableRandom, List<Mutation>> generator(int maxMutations) {
    return random -> {
      int count = 1 + random.nextInt(maxMutations);
      List<Mutation> mutations = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        mutations.add(mutation(random));
      }
      return List.copyOf(mutations);
    };
  }

  private Mutation mutation(SplittableRandom random) {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    int position = random.nextInt(1 << 20);
    switch (kind) {
      case INSERT:
        return new Mutation(
            kind,
            position,
            0,
            random.nextInt(4) == 0
                ? String.valueOf((char) random.nextInt(0x20))
                : pick(random, fragments));
      case DELETE:
        return new Mutation(kind, position, 1 + random.nextInt(40), "");
      case REPLACE_VALUE:
        return new Mutation(kind, position, 0, pick(random, values));
      case INSERT_LINE:
        return new Mutation(kind, position, 0, pick(random, lines));
      default:
        return new Mutation(kind, position, 0, "");
    }
  }

  private static String pick(SplittableRandom random, List<String> from) {
    return from.get(random.nextInt(from.size()));
  }

  /** Drops mutations, then shortens inserted text to its first half. */
  public static Shrinker<List<Mutation>> shrinker() {
    return Shrinkers.list(
        mutation ->
            mutation.text().length() > 1
                ? Stream.of(
                    new Mutation(
                        mutation.kind(),
                        mutation.position(),
                        mutation.length(),
                        mutation.text().substring(0, mutation.text().length() / 2)))
                : Stream.empty());
  }

  /** {@code text} with {@code mutations} applied in order. */
  public static String apply(String text, List<Mutation> mutations) {
    String current = text;
    for (Mutation mutation : mutations) {
      current = apply(current, mutation);
    }
    return current;
  }

  private static String apply(String text, Mutation mutation) {
    int at = text.isEmpty() ? 0 : mutation.position() % (text.length() + 1);
    switch (mutation.kind()) {
      case INSERT:
        return text.substring(0, at) + mutation.text() + text.substring(at);
      case DELETE:
        return text.substring(0, at)
            + text.substring(Math.min(text.length(), at + mutation.length()));
      case REPLACE_VALUE:
        return replaceValue(text, mutation.position(), mutation.text());
      default:
        return lineEdit(text, mutation);
    }
  }

  private static String replaceValue(String text, int position, String value) {
    List<Integer> separators = new ArrayList<>();
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '=' || text.charAt(i) == ':') {
        separators.add(i);
      }
    }
    if (separators.isEmpty()) {
      return text;
    }
    int start = separators.get(position % separators.size()) + 1;
    int end = start;
    // The value ends at the end of the line, or at a comma (inline tables, JSON objects).
    while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != ',') {
      end++;
    }
    return text.substring(0, start) + " " + value + text.substring(end);
  }

  private static String lineEdit(String text, Mutation mutation) {
    List<String> split = new ArrayList<>(List.of(text.split("\n", -1)));
    int index = mutation.position() % split.size();
    switch (mutation.kind()) {
      case DUPLICATE_LINE:
        split.add(index, split.get(index));
        break;
      case DELETE_LINE:
        split.remove(index);
        break;
      default:
        split.add(index, mutation.text());
        break;
    }
    return String.join("\n", split);
  }
}
