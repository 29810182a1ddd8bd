package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;

/**
 * Makes text from a config file (or from a file named in it) safe to print in a message.
 *
 * <p>A value is printed on the operator's terminal and in the journal: a raw escape sequence in it
 * could move the cursor, rewrite earlier lines or change the terminal's title, and a raw newline
 * could fake a second line of output. So control characters (C0, DEL, C1) and the invisible
 * format characters (such as the bidirectional overrides U+202E) become visible escapes such as
 * {@code \n}, {@code \t} or {@code \u001b}. Stateless.
 */
public final class Messages {
  /** Values longer than this are cut in messages: a message names a value, it need not hold it. */
  static final int MAX_VALUE_CHARS = 200;

  private Messages() {}

  /** {@code text} with every control or format character escaped; backslashes are kept as is. */
  public static String escape(String text) {
    checkNotNull(text, "text");
    StringBuilder escaped = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = replacement(c);
      if (replacement == null) {
        if (escaped != null) {
          escaped.append(c);
        }
        continue;
      }
      if (escaped == null) {
        escaped = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      escaped.append(replacement);
    }
    return escaped == null ? text : escaped.toString();
  }

  /**
   * {@code value} escaped and, if longer than {@value #MAX_VALUE_CHARS} characters, cut with its
   * length said, so that a huge value cannot make a huge message.
   */
  static String shorten(String value) {
    checkNotNull(value, "value");
    if (value.length() <= MAX_VALUE_CHARS) {
      return escape(value);
    }
    return escape(value.substring(0, MAX_VALUE_CHARS))
        + "... ("
        + value.length()
        + " characters)";
  }

  private static @Nullable String replacement(char c) {
    switch (c) {
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        break;
    }
    int type = Character.getType(c);
    if (type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR) {
      return String.format("\\u%04x", (int) c);
    }
    return null;
  }
}
