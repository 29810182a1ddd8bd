package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.failover.api.Provider;
import dev.failover.core.StickyProviderFile;
import dev.failover.core.StickyReading;
import dev.failover.launcher.config.TextMutations;
import dev.failover.linux.NoFollowFiles;
import dev.failover.testkit.Property;
import dev.failover.testkit.TestProviders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sticky file as the daemon reads it ({@link NoFollowFiles}), its content mutated at random
 * (seeded, shrunk; {@link TextMutations}) around a secret: every outcome is a reading (absent,
 * forced or ignored), never an exception or a hang; a provider is forced only when the file holds
 * exactly one known id; and the secret never shows in the reading's detail (which the log, the
 * status file and {@code failover status} show).
 */
class StickyFileFuzzTest {
  private static final String SECRET = "s3cr3t-Token-Do-Not-Echo";

  private static final TextMutations MUTATIONS =
      new TextMutations(
          List.of("isp1", "isp2", "isp9", SECRET, "", " ", "\u0000", "x".repeat(5000)),
          List.of(
              "\n",
              "\r\n",
              "#",
              " ",
              "\t",
              "\u0000",
              "\uFEFF",
              "\u001b[2J",
              "\ud800",
              "isp1",
              SECRET,
              "\u00e9",
              "="),
          List.of(
              StickyProviderFile.HEADER,
              "isp1",
              "isp2",
              "isp9",
              "# " + SECRET,
              SECRET,
              "isp1 isp2",
              "x".repeat(5000)));

  @TempDir Path dir;

  private final List<Provider> providers = TestProviders.withSharedGateway(2);

  @Test
  void read_mutatedStickyFile_isAReadingThatNeverEchoesTheContent() {
    String valid = StickyProviderFile.content("isp1");
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            Property.forAll(
                "mutated sticky file is absent, forced by one known id, or ignored; never echoed",
                Property.cases(1000),
                201,
                MUTATIONS.generator(5),
                TextMutations.shrinker(),
                mutations -> checkOne(TextMutations.apply(valid, mutations))));
  }

  private void checkOne(String content) {
    Path file = dir.resolve("sticky.provider");
    try {
      // getBytes, not writeString: a lone surrogate becomes '?' instead of failing the write.
      Files.write(file, content.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StickyProviderFile sticky = new StickyProviderFile(file, providers, NoFollowFiles::read);

    StickyReading reading = sticky.read();

    // The detail goes into the log, the world-readable status file and 'failover status'.
    assertThat(reading.detail()).doesNotContain(SECRET);
    List<String> idLines =
        content.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    if (reading.forcedProviderId().isPresent()) {
      assertThat(idLines)
          .as("forced by%n%s", content)
          .containsExactly(reading.forcedProviderId().get());
      assertThat(List.of("isp1", "isp2")).contains(reading.forcedProviderId().get());
    }
  }
}
