package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The streaming reader and writer give exactly what the mappers they replace gave. */
class JacksonTreesTest {
  private static final String TOML =
      String.join(
          "\n",
          "check_interval = 0.5",
          "start_metric = 100",
          "big = 9223372036854775807",
          "bigger = 92233720368547758070",
          "negative = -3",
          "exponent = 1e-3",
          "flag = true",
          "off = false",
          "name = \"failover\"",
          "empty = \"\"",
          "list = [1, 2.5, \"three\", [4], { five = 5 }]",
          "[policy]",
          "kind = \"damped\"",
          "[policy.nested]",
          "depth = 2",
          "[[providers]]",
          "id = \"isp1\"",
          "[[providers]]",
          "id = \"isp2\"",
          "");

  @Test
  void readToml_sameTreeAndNodeTypesAsTomlMapper() throws IOException {
    ObjectNode ours = JacksonTrees.readToml(TOML);
    JsonNode mapper = new TomlMapper().readTree(TOML);

    assertThat(ours).isEqualTo(mapper);
    assertThat(nodeTypes(ours)).isEqualTo(nodeTypes(mapper));
  }

  @Test
  void readToml_emptyDocument_emptyTable() throws IOException {
    assertThat(JacksonTrees.readToml("")).isEmpty();
    assertThat(JacksonTrees.readToml("# only a comment\n")).isEmpty();
  }

  @Test
  void readToml_syntaxError_jacksonExceptionWithTheLocation() {
    assertThatThrownBy(() -> JacksonTrees.readToml("a = 1\nb = = 2\n"))
        .isInstanceOf(JacksonException.class)
        .satisfies(e -> assertThat(((JacksonException) e).getLocation().getLineNr()).isEqualTo(2));
  }

  @Test
  void toJson_sameTextAsObjectMapperWithIndentOutput() throws IOException {
    ObjectNode tree = JacksonTrees.readToml(TOML);
    tree.putNull("nothing");
    tree.put("latency_ms", 12.345);
    tree.put("text", "quote \" and newline \n and unicode é");

    String expected =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree);

    assertThat(JacksonTrees.toJson(tree)).isEqualTo(expected);
  }

  @Test
  void readJsonObject_sameTreeAndNodeTypesAsObjectMapper() throws IOException {
    String json = JacksonTrees.toJson(JacksonTrees.readToml(TOML));

    ObjectNode ours = JacksonTrees.readJsonObject(json);
    JsonNode mapper = new ObjectMapper().readTree(json);

    assertThat(ours).isEqualTo(mapper);
    assertThat(nodeTypes(ours)).isEqualTo(nodeTypes(mapper));
    assertThat(JacksonTrees.toJson(ours)).isEqualTo(json);
  }

  @Test
  void readJsonObject_empty_throws() {
    assertThatThrownBy(() -> JacksonTrees.readJsonObject(" \n"))
        .isInstanceOf(IOException.class)
        .hasMessage("the document is empty");
  }

  @Test
  void readJsonObject_notAnObject_throws() {
    assertThatThrownBy(() -> JacksonTrees.readJsonObject("[1, 2]"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not an object");
  }

  /** Every node's path and class, so that an IntNode read as a LongNode is a difference. */
  private static List<String> nodeTypes(JsonNode node) {
    List<String> types = new ArrayList<>();
    collect("", node, types);
    return types;
  }

  private static void collect(String path, JsonNode node, List<String> types) {
    types.add(path + " " + node.getClass().getSimpleName());
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        collect(path + "." + field.getKey(), field.getValue(), types);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(path + "[" + i + "]", node.get(i), types);
      }
    }
  }
}
