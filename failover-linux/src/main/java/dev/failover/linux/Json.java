package dev.failover.linux;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A small JSON reader for the output of {@code ip -json}, which this module may read without a JSON
 * library.
 *
 * <p>Objects become {@code Map<String, Object>} (in document order), arrays {@code List<Object>},
 * strings {@code String}, numbers {@code Long} or {@code Double}, {@code true}/{@code false} {@code
 * Boolean}, and {@code null} the {@link #NULL} marker. Stateless and thread-safe.
 */
final class Json {
  /** Stands for a JSON {@code null}, since the collections here hold no nulls. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /**
   * Parses {@code text}; an empty or blank text is an empty array, as {@code ip -json} prints
   * nothing for an empty list in some versions.
   *
   * @throws IllegalArgumentException if {@code text} is not JSON
   */
  static Object parse(String text) {
    if (text.isBlank()) {
      return List.of();
    }
    Json json = new Json(text);
    json.skipSpace();
    Object value = json.value();
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("trailing characters");
    }
    return value;
  }

  /** Parses {@code text} as an array of objects, as {@code ip -json ... show} prints. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> parseObjects(String text) {
    Object value = parse(text);
    if (!(value instanceof List)) {
      throw new IllegalArgumentException("expected a JSON array, got: " + abbreviate(text));
    }
    List<Map<String, Object>> objects = new ArrayList<>();
    for (Object element : (List<Object>) value) {
      if (!(element instanceof Map)) {
        throw new IllegalArgumentException("expected an array of objects, got: " + abbreviate(text));
      }
      objects.add((Map<String, Object>) element);
    }
    return objects;
  }

  /** The string at {@code key}, or a number's text, if present and not null. */
  static Optional<String> string(Map<String, Object> object, String key) {
    Object value = object.get(key);
    if (value instanceof String) {
      return Optional.of((String) value);
    } else if (value instanceof Long) {
      return Optional.of(Long.toString((Long) value));
    }
    return Optional.empty();
  }

  /** The whole number at {@code key} (given as a number or a decimal string), if present. */
  static Optional<Long> number(Map<String, Object> object, String key) {
    Object value = object.get(key);
    if (value instanceof Long) {
      return Optional.of((Long) value);
    } else if (value instanceof String && ((String) value).matches("\\d{1,18}")) {
      return Optional.of(Long.parseLong((String) value));
    }
    return Optional.empty();
  }

  /** The strings of the array at {@code key}; empty if absent. */
  static List<String> strings(Map<String, Object> object, String key) {
    Object value = object.get(key);
    List<String> strings = new ArrayList<>();
    if (value instanceof List) {
      for (Object element : (List<?>) value) {
        if (element instanceof String) {
          strings.add((String) element);
        }
      }
    }
    return strings;
  }

  private Object value() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("unexpected character '" + c + "'");
    }
  }

  private Map<String, Object> object() {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++;
    skipSpace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipSpace();
      if (peek() != '"') {
        throw error("expected a key");
      }
      String key = string();
      skipSpace();
      expect(':');
      skipSpace();
      map.put(key, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return map;
      }
      if (c != ',') {
        throw error("expected ',' or '}'");
      }
    }
  }

  private List<Object> array() {
    List<Object> list = new ArrayList<>();
    pos++;
    skipSpace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipSpace();
      list.add(value());
      skipSpace();
      char c = next();
      if (c == ']') {
        return list;
      }
      if (c != ',') {
        throw error("expected ',' or ']'");
      }
    }
  }

  private String string() {
    StringBuilder out = new StringBuilder();
    pos++;
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("bad unicode escape");
          }
          out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          pos += 4;
        }
        default -> throw error("bad escape '\\" + e + "'");
      }
    }
  }

  private Object number() {
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    String digits = text.substring(start, pos);
    try {
      if (digits.matches("-?\\d{1,18}")) {
        return Long.parseLong(digits);
      }
      return Double.parseDouble(digits);
    } catch (NumberFormatException e) {
      throw error("bad number '" + digits + "'");
    }
  }

  private Object literal(String word, Object value) {
    if (!text.startsWith(word, pos)) {
      throw error("unexpected word");
    }
    pos += word.length();
    return value;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    if (pos >= text.length()) {
      throw error("unexpected end");
    }
    return text.charAt(pos);
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private void expect(char c) {
    if (next() != c) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException(
        "not valid JSON at offset " + pos + ": " + what + " in: " + abbreviate(text));
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "..." : text;
  }
}
