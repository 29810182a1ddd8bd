package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.launcher.install.SystemdUnit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worst files of the largest size the loader reads, loaded in a JVM started with the unit's
 * own flags ({@code -Xmx32m -Xss256k}, {@link SystemdUnit#JVM_FLAGS}): each is refused with an
 * {@link InvalidConfigException}, never an OutOfMemoryError (a 12 MB config filled the heap) or
 * a StackOverflowError (deep nesting).
 */
class ConfigHeapTest {
  @TempDir Path dir;

  /** Fills the size bound with {@code unit}, then closes what it opened with {@code close}. */
  private static String fill(String head, String unit, String close) {
    int budget = ConfigLoader.MAX_CONFIG_BYTES - head.length() - 1;
    int count = budget / (unit.length() + close.length());
    return head + unit.repeat(count) + close.repeat(count) + "\n";
  }

  private static String numbered(String format) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < ConfigLoader.MAX_CONFIG_BYTES - 64; i++) {
      text.append(String.format(format, i));
    }
    return text.toString();
  }

  @Test
  void load_worstFilesOfTheLargestSize_areRefusedWithinTheUnitsHeapAndStack() throws Exception {
    List<String> files = new ArrayList<>();
    List<String> texts =
        List.of(
            numbered("k%d = 1\n"),
            numbered("[t%d]\n"),
            numbered("a.b%d.c = 1\n"),
            "[[providers]]\n".repeat(ConfigLoader.MAX_CONFIG_BYTES / 15),
            fill("a = ", "[", "]"),
            fill("a = ", "{b = ", "}"),
            "a = [" + "1,".repeat(ConfigLoader.MAX_CONFIG_BYTES / 2 - 8) + "1]\n",
            "a = \"" + "x".repeat(ConfigLoader.MAX_CONFIG_BYTES - 16) + "\"\n");
    for (int i = 0; i < texts.size(); i++) {
      Path file = dir.resolve("worst-" + i + ".toml");
      Files.writeString(file, texts.get(i), StandardCharsets.UTF_8);
      assertThat(Files.size(file)).isLessThanOrEqualTo(ConfigLoader.MAX_CONFIG_BYTES);
      files.add(file.toString());
    }

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(SystemdUnit.JVM_FLAGS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoadEach.class.getName());
    command.addAll(files);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile())
            .start();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String out = Files.readString(dir.resolve("out.txt"));

    assertThat(exited).as("the loads finish; output:%n%s", out).isTrue();
    assertThat(process.exitValue()).as("exit code; output:%n%s", out).isZero();
    assertThat(out.lines().filter(line -> line.startsWith("invalid ")).count())
        .as(out)
        .isEqualTo(files.size());
  }

  /** Loads each file named on the command line; prints the outcome; exits 1 on anything else. */
  public static final class LoadEach {
    private LoadEach() {}

    public static void main(String[] args) throws IOException {
      for (String file : args) {
        try {
          new ConfigLoader(d -> FakeScenarioFactory.factories()).load(Path.of(file));
          System.out.println("valid " + file);
        } catch (InvalidConfigException e) {
          System.out.println("invalid " + file + ": " + e.problems().get(0));
        } catch (Throwable e) { // an OutOfMemoryError or StackOverflowError is the failure sought
          System.out.println("FAILED " + file + ": " + e);
          System.exit(1);
        }
      }
    }
  }
}
