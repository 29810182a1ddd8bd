package dev.failover.launcher.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the OpenMetrics 1.0 text format (the Prometheus Java client ships writers, not
 * a parser), for tests: it rejects, with the line number, what the specification forbids.
 *
 * <p>Checked: the line grammar (metric and label names, label escapes, float values, no trailing
 * comma, no blank lines), {@code # TYPE}/{@code # HELP}/{@code # UNIT} before the samples and once
 * each, one block per family (no interleaving, no family twice), the sample names each type allows
 * ({@code _total}/{@code _created} for counters, {@code _bucket}/{@code _count}/{@code _sum}/{@code
 * _created} for histograms, {@code _info} for info, ...), a counter family name without {@code
 * _total}, a unit that ends the family name, no duplicate sample (same name and labels), no
 * negative counter or bucket, {@code le} on every bucket with the buckets of a series in increasing
 * order, ending at {@code +Inf}, cumulative, and {@code _count} equal to the {@code +Inf} bucket;
 * info and stateset values 0 or 1 (info: 1); and the final {@code # EOF}.
 */
final class OpenMetricsParser {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Set<String> TYPES =
      Set.of(
          "counter",
          "gauge",
          "histogram",
          "gaugehistogram",
          "stateset",
          "info",
          "summary",
          "unknown");

  /** One sample. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** One metric family. */
  record Family(String name, String type, String help, String unit, List<Sample> samples) {}

  /** A parse error, naming the line. */
  static final class ParseException extends Exception {
    private static final long serialVersionUID = 1;

    ParseException(int line, String message) {
      super("line " + line + ": " + message);
    }
  }

  private OpenMetricsParser() {}

  /** The families of {@code text}, in order. */
  static Map<String, Family> parse(String text) throws ParseException {
    if (!text.endsWith("# EOF\n") && !text.endsWith("# EOF")) {
      throw new ParseException(0, "the exposition must end with '# EOF'");
    }
    String[] lines = text.split("\n", -1);
    int last = text.endsWith("\n") ? lines.length - 2 : lines.length - 1;
    Map<String, Builder> families = new LinkedHashMap<>();
    Builder current = null;
    Set<String> seenSamples = new HashSet<>();
    for (int i = 0; i < last; i++) {
      int number = i + 1;
      String line = lines[i];
      if (line.isEmpty()) {
        throw new ParseException(number, "blank lines are not allowed");
      }
      if (line.startsWith("#")) {
        String[] parts = line.split(" ", 4);
        if (parts.length < 3 || !parts[0].equals("#")) {
          throw new ParseException(number, "bad descriptor: " + line);
        }
        String kind = parts[1];
        String name = parts[2];
        if (!METRIC_NAME.matcher(name).matches()) {
          throw new ParseException(number, "bad metric family name '" + name + "'");
        }
        if (current == null || !current.name.equals(name)) {
          if (families.containsKey(name)) {
            throw new ParseException(number, "family '" + name + "' appears twice");
          }
          current = new Builder(name);
          families.put(name, current);
        } else if (!current.samples.isEmpty()) {
          throw new ParseException(number, "descriptor after the samples of '" + name + "'");
        }
        String value = parts.length == 4 ? parts[3] : "";
        switch (kind) {
          case "TYPE" -> {
            if (current.type != null) {
              throw new ParseException(number, "second TYPE for '" + name + "'");
            }
            if (!TYPES.contains(value)) {
              throw new ParseException(number, "unknown type '" + value + "'");
            }
            current.type = value;
          }
          case "HELP" -> {
            if (current.help != null) {
              throw new ParseException(number, "second HELP for '" + name + "'");
            }
            current.help = unescape(value, number, false);
          }
          case "UNIT" -> {
            if (current.unit != null) {
              throw new ParseException(number, "second UNIT for '" + name + "'");
            }
            if (!value.isEmpty() && !name.endsWith("_" + value)) {
              throw new ParseException(number, "family '" + name + "' must end with its unit");
            }
            current.unit = value;
          }
          default -> throw new ParseException(number, "unknown descriptor '" + kind + "'");
        }
        continue;
      }
      Sample sample = sample(line, number);
      String key = sample.name() + new TreeMap<>(sample.labels());
      if (!seenSamples.add(key)) {
        throw new ParseException(number, "duplicate sample " + key);
      }
      Builder family = familyOf(sample.name(), current);
      if (family == null) {
        // A sample without descriptors is a family of type unknown of its own.
        if (families.containsKey(sample.name())) {
          throw new ParseException(number, "samples of '" + sample.name() + "' are interleaved");
        }
        current = new Builder(sample.name());
        current.type = "unknown";
        families.put(sample.name(), current);
        family = current;
      }
      family.samples.add(sample);
      checkSample(family, sample, number);
    }
    Map<String, Family> result = new LinkedHashMap<>();
    for (Builder b : families.values()) {
      Family family =
          new Family(
              b.name,
              b.type == null ? "unknown" : b.type,
              b.help == null ? "" : b.help,
              b.unit == null ? "" : b.unit,
              List.copyOf(b.samples));
      checkFamily(family);
      result.put(b.name, family);
    }
    return result;
  }

  private static Builder familyOf(String sampleName, Builder current) {
    if (current == null) {
      return null;
    }
    String type = current.type == null ? "unknown" : current.type;
    List<String> suffixes =
        switch (type) {
          case "counter" -> List.of("_total", "_created");
          case "histogram" -> List.of("_bucket", "_count", "_sum", "_created");
          case "gaugehistogram" -> List.of("_bucket", "_gcount", "_gsum");
          case "summary" -> List.of("", "_count", "_sum", "_created");
          case "info" -> List.of("_info");
          default -> List.of("");
        };
    for (String suffix : suffixes) {
      if (sampleName.equals(current.name + suffix)) {
        return current;
      }
    }
    return null;
  }

  private static void checkSample(Builder family, Sample sample, int number) throws ParseException {
    String type = family.type == null ? "unknown" : family.type;
    double v = sample.value();
    switch (type) {
      case "counter" -> {
        if (family.name.endsWith("_total")) {
          throw new ParseException(number, "counter family name must not end in _total");
        }
        if (sample.name().endsWith("_total") && (v < 0 || Double.isNaN(v))) {
          throw new ParseException(number, "counter value must be >= 0, was " + v);
        }
      }
      case "histogram" -> {
        if (sample.name().endsWith("_bucket")) {
          if (!sample.labels().containsKey("le")) {
            throw new ParseException(number, "bucket without le");
          }
          if (v < 0) {
            throw new ParseException(number, "negative bucket");
          }
        } else if (sample.labels().containsKey("le")) {
          throw new ParseException(number, "le on a sample that is not a bucket");
        }
      }
      case "info" -> {
        if (v != 1) {
          throw new ParseException(number, "info value must be 1, was " + v);
        }
      }
      case "stateset" -> {
        if (v != 0 && v != 1) {
          throw new ParseException(number, "stateset value must be 0 or 1, was " + v);
        }
        if (!sample.labels().containsKey(family.name)) {
          throw new ParseException(number, "stateset sample without the label " + family.name);
        }
      }
      default -> {}
    }
  }

  private static void checkFamily(Family family) throws ParseException {
    if (!family.type().equals("histogram")) {
      return;
    }
    // Per series (labels without le): buckets increasing, cumulative, ending at +Inf = _count.
    Map<Map<String, String>, List<double[]>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    for (Sample s : family.samples()) {
      Map<String, String> series = new TreeMap<>(s.labels());
      if (s.name().endsWith("_bucket")) {
        String le = series.remove("le");
        buckets
            .computeIfAbsent(series, k -> new ArrayList<>())
            .add(new double[] {bound(le), s.value()});
      } else if (s.name().endsWith("_count")) {
        counts.put(series, s.value());
      }
    }
    for (Map.Entry<Map<String, String>, List<double[]>> entry : buckets.entrySet()) {
      List<double[]> list = entry.getValue();
      for (int i = 1; i < list.size(); i++) {
        if (list.get(i)[0] <= list.get(i - 1)[0]) {
          throw new ParseException(0, family.name() + entry.getKey() + ": le not increasing");
        }
        if (list.get(i)[1] < list.get(i - 1)[1]) {
          throw new ParseException(0, family.name() + entry.getKey() + ": buckets not cumulative");
        }
      }
      double[] lastBucket = list.get(list.size() - 1);
      if (lastBucket[0] != Double.POSITIVE_INFINITY) {
        throw new ParseException(0, family.name() + entry.getKey() + ": no +Inf bucket");
      }
      Double count = counts.get(entry.getKey());
      if (count != null && count != lastBucket[1]) {
        throw new ParseException(0, family.name() + entry.getKey() + ": _count != +Inf bucket");
      }
    }
  }

  private static double bound(String le) {
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  private static Sample sample(String line, int number) throws ParseException {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
      i++;
    }
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new ParseException(number, "bad metric name '" + name + "'");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i++;
      if (line.charAt(i) != '}') {
        while (true) {
          int eq = line.indexOf('=', i);
          if (eq < 0) {
            throw new ParseException(number, "label without '='");
          }
          String label = line.substring(i, eq);
          if (!LABEL_NAME.matcher(label).matches()) {
            throw new ParseException(number, "bad label name '" + label + "'");
          }
          if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
            throw new ParseException(number, "label value must be quoted");
          }
          int j = eq + 2;
          StringBuilder raw = new StringBuilder();
          while (j < line.length() && line.charAt(j) != '"') {
            if (line.charAt(j) == '\\' && j + 1 < line.length()) {
              raw.append(line, j, j + 2);
              j += 2;
            } else {
              raw.append(line.charAt(j++));
            }
          }
          if (j >= line.length()) {
            throw new ParseException(number, "unterminated label value");
          }
          if (labels.put(label, unescape(raw.toString(), number, true)) != null) {
            throw new ParseException(number, "label '" + label + "' twice");
          }
          i = j + 1;
          if (line.charAt(i) == ',') {
            i++;
            if (line.charAt(i) == '}') {
              throw new ParseException(number, "trailing comma in labels");
            }
          } else if (line.charAt(i) == '}') {
            break;
          } else {
            throw new ParseException(number, "expected ',' or '}' after a label");
          }
        }
      }
      i++; // '}'
    }
    if (i >= line.length() || line.charAt(i) != ' ') {
      throw new ParseException(number, "expected one space before the value");
    }
    String rest = line.substring(i + 1);
    String exemplar = null;
    int hash = rest.indexOf(" # ");
    if (hash >= 0) {
      exemplar = rest.substring(hash + 3);
      rest = rest.substring(0, hash);
    }
    String[] fields = rest.split(" ", -1);
    if (fields.length < 1 || fields.length > 2) {
      throw new ParseException(number, "expected a value and an optional timestamp");
    }
    double value = value(fields[0], number);
    if (fields.length == 2) {
      value(fields[1], number);
    }
    if (exemplar != null && exemplar.isEmpty()) {
      throw new ParseException(number, "empty exemplar");
    }
    return new Sample(name, Map.copyOf(labels), value);
  }

  private static double value(String text, int number) throws ParseException {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        if (!NUMBER.matcher(text).matches()) {
          throw new ParseException(number, "bad number '" + text + "'");
        }
        return Double.parseDouble(text);
    }
  }

  private static String unescape(String text, int number, boolean quotes) throws ParseException {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 >= text.length()) {
          throw new ParseException(number, "dangling backslash");
        }
        char next = text.charAt(++i);
        switch (next) {
          case '\\' -> out.append('\\');
          case 'n' -> out.append('\n');
          case '"' -> out.append('"');
          default -> throw new ParseException(number, "bad escape '\\" + next + "'");
        }
      } else if (c == '"' && quotes) {
        throw new ParseException(number, "unescaped quote");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** The value of the sample {@code name} with exactly {@code labels} (name, value, ...). */
  static Optional<Double> value(Map<String, Family> families, String name, String... labels) {
    Map<String, String> wanted = new LinkedHashMap<>();
    for (int i = 0; i + 1 < labels.length; i += 2) {
      wanted.put(labels[i], labels[i + 1]);
    }
    for (Family family : families.values()) {
      for (Sample sample : family.samples()) {
        if (sample.name().equals(name) && sample.labels().equals(wanted)) {
          return Optional.of(sample.value());
        }
      }
    }
    return Optional.empty();
  }

  private static final class Builder {
    final String name;
    String type;
    String help;
    String unit;
    final List<Sample> samples = new ArrayList<>();

    Builder(String name) {
      this.name = name;
    }
  }
}
