package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Jackson trees read from and written to text with Jackson's streaming parsers and generators, not
 * with an {@code ObjectMapper}.
 *
 * <p>Why: the config and the status file need only trees, but an {@code ObjectMapper} (or {@code
 * TomlMapper}) loads its whole serializer and deserializer machinery, and those classes stay in the
 * daemon's memory for its whole life. Reading one small TOML document loaded 1,401 classes through
 * {@code TomlMapper.readTree} and 715 through the streaming parser (Jackson's own: 460 and 120);
 * in the daemon that is about 4 MB of resident memory (docs/benchmarks.md). Trees are
 * built with the same node types the mapper would use ({@code IntNode}, {@code LongNode}, {@code
 * DoubleNode}, ...), and written with the same indentation as the mapper's {@code INDENT_OUTPUT}.
 * {@link JsonNode#toString()} would load the mapper again: use {@link #toJson} instead. Thread-safe.
 */
public final class JacksonTrees {
  /**
   * The deepest nesting of arrays and tables read. A config nests three deep and the status file
   * four; Jackson's own limit (1000) is deeper than the daemon's thread stacks ({@code -Xss256k})
   * can follow, so a file of a few kilobytes of {@code [[[[...} ended in a StackOverflowError
   * instead of a syntax error.
   */
  static final int MAX_NESTING_DEPTH = 32;

  private static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build();
  private static final TomlFactory TOML =
      TomlFactory.builder().streamReadConstraints(LIMITS).build();
  private static final JsonFactory JSON =
      JsonFactory.builder().streamReadConstraints(LIMITS).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JacksonTrees() {}

  /**
   * Parses a TOML document.
   *
   * @return its top-level table, empty for an empty document
   * @throws IOException for a syntax error ({@link com.fasterxml.jackson.core.JacksonException} with
   *     the location)
   */
  public static ObjectNode readToml(String toml) throws IOException {
    checkNotNull(toml, "toml");
    try (JsonParser parser = TOML.createParser(toml)) {
      JsonToken first = parser.nextToken();
      return first == null ? NODES.objectNode() : readObject(parser, first);
    }
  }

  /**
   * Parses a JSON document whose top level is an object.
   *
   * @throws IOException for a syntax error, or if the document is empty or not an object
   */
  public static ObjectNode readJsonObject(String json) throws IOException {
    checkNotNull(json, "json");
    try (JsonParser parser = JSON.createParser(json)) {
      return readObject(parser, parser.nextToken());
    }
  }

  /** The indented JSON text of {@code tree}, as the mapper's {@code INDENT_OUTPUT} writes it. */
  public static String toJson(JsonNode tree) {
    checkNotNull(tree, "tree");
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(text)) {
      generator.useDefaultPrettyPrinter();
      write(tree, generator);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return text.toString();
  }

  /** The JSON text of {@code tree} on one line, without spaces: for answers over HTTP. */
  public static String toCompactJson(JsonNode tree) {
    checkNotNull(tree, "tree");
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = JSON.createGenerator(text)) {
      write(tree, generator);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string cannot fail", e);
    }
    return text.toString();
  }

  /** {@link #toJson} as UTF-8 bytes. */
  public static byte[] toJsonBytes(JsonNode tree) {
    return toJson(tree).getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode readObject(JsonParser parser, @Nullable JsonToken first)
      throws IOException {
    if (first != JsonToken.START_OBJECT) {
      throw new IOException(
          first == null ? "the document is empty" : "the document is not an object but " + first);
    }
    return (ObjectNode) readValue(parser, first);
  }

  /** Reads the value that starts with {@code token}; recursion is as deep as the document. */
  private static JsonNode readValue(JsonParser parser, @Nullable JsonToken token)
      throws IOException {
    if (token == null) {
      throw new IOException("the document ends inside a value");
    }
    switch (token) {
      case START_OBJECT:
        ObjectNode object = NODES.objectNode();
        for (JsonToken field = parser.nextToken();
            field == JsonToken.FIELD_NAME;
            field = parser.nextToken()) {
          String name = parser.currentName();
          object.set(name, readValue(parser, parser.nextToken()));
        }
        return object;
      case START_ARRAY:
        ArrayNode array = NODES.arrayNode();
        for (JsonToken element = parser.nextToken();
            element != JsonToken.END_ARRAY;
            element = parser.nextToken()) {
          array.add(readValue(parser, element));
        }
        return array;
      case VALUE_STRING:
        return NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT:
        switch (parser.getNumberType()) {
          case INT:
            return NODES.numberNode(parser.getIntValue());
          case LONG:
            return NODES.numberNode(parser.getLongValue());
          default:
            return NODES.numberNode(parser.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        switch (parser.getNumberType()) {
          case BIG_DECIMAL:
            return NODES.numberNode(parser.getDecimalValue());
          case FLOAT:
            return NODES.numberNode(parser.getFloatValue());
          default:
            return NODES.numberNode(parser.getDoubleValue());
        }
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      case VALUE_EMBEDDED_OBJECT:
        // TOML dates and times, when the parser is asked for java.time values.
        return NODES.pojoNode(parser.getEmbeddedObject());
      default:
        throw new IOException("unexpected " + token + " in the document");
    }
  }

  private static void write(JsonNode node, JsonGenerator generator) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT:
        generator.writeStartObject();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          generator.writeFieldName(field.getKey());
          write(field.getValue(), generator);
        }
        generator.writeEndObject();
        return;
      case ARRAY:
        generator.writeStartArray();
        for (JsonNode element : node) {
          write(element, generator);
        }
        generator.writeEndArray();
        return;
      case STRING:
        generator.writeString(node.textValue());
        return;
      case NUMBER:
        if (node.isIntegralNumber()) {
          if (node.canConvertToLong()) {
            generator.writeNumber(node.longValue());
          } else {
            generator.writeNumber(node.bigIntegerValue());
          }
        } else if (node.isBigDecimal()) {
          generator.writeNumber(node.decimalValue());
        } else if (node.isFloat()) {
          generator.writeNumber(node.floatValue());
        } else {
          generator.writeNumber(node.doubleValue());
        }
        return;
      case BOOLEAN:
        generator.writeBoolean(node.booleanValue());
        return;
      case NULL:
        generator.writeNull();
        return;
      default:
        // POJO and binary nodes: never in our trees but for TOML dates, written as their text.
        generator.writeString(node.asText());
    }
  }
}
