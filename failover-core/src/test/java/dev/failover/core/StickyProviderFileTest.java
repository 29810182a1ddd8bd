package dev.failover.core;

import static dev.failover.core.Fixtures.providers;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StickyProviderFileTest {
  @TempDir Path dir;

  private final List<String> warnings = new ArrayList<>();
  private Path file;
  private StickyProviderFile sticky;

  @BeforeEach
  void setUp() {
    file = dir.resolve("sticky.provider");
    sticky = new StickyProviderFile(file, providers(2), warnings::add);
  }

  private void write(String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  @Test
  void read_missingFile_absentWithoutWarning() {
    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.ABSENT);
    assertThat(reading.forcedProviderId()).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void read_knownIdWithSurroundingWhitespace_forced() throws IOException {
    write("  isp2\n");

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.FORCED);
    assertThat(reading.forcedProviderId()).contains("isp2");
    assertThat(warnings).isEmpty();
  }

  @Test
  void read_unknownId_ignoredAndWarnedOnceOverManyTicks() throws IOException {
    write("isp7\n");

    for (int tick = 0; tick < 5; tick++) {
      assertThat(sticky.read().kind()).isEqualTo(StickyReading.Kind.IGNORED);
    }

    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("unknown provider 'isp7'").contains("isp1, isp2");
  }

  @Test
  void read_differentBadContents_eachWarnedOnce() throws IOException {
    write("isp7");
    sticky.read();
    sticky.read();
    write("isp8");
    sticky.read();
    sticky.read();

    assertThat(warnings).hasSize(2);
  }

  @Test
  void read_badThenGoodThenSameBad_warnedAgain() throws IOException {
    write("isp7");
    sticky.read();
    write("isp1");
    sticky.read();
    write("isp7");
    sticky.read();

    assertThat(warnings).hasSize(2);
  }

  @Test
  void read_emptyFile_ignoredAsGarbage() throws IOException {
    write("  \n");

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("is empty");
    assertThat(warnings).hasSize(1);
  }

  @Test
  void read_severalLines_ignoredAsGarbage() throws IOException {
    write("isp1\nisp2\n");

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("does not hold a provider id").contains("isp1\\x0aisp2");
  }

  @Test
  void read_binary_ignoredWithoutRawBytesInMessage() throws IOException {
    Files.write(file, new byte[] {(byte) 0xff, 0, 1, (byte) 0xfe, 'x'});

    StickyReading reading = sticky.read();
    sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("not UTF-8");
    assertThat(warnings).hasSize(1);
  }

  @Test
  void read_controlCharactersInValidUtf8_ignoredAndEscaped() throws IOException {
    write("isp1\u0000\u0007");

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("isp1\\x00\\x07").doesNotContain("\u0000");
  }

  @Test
  void read_hugeFile_ignoredWithoutReadingItAll() throws IOException {
    write("isp1" + " ".repeat(StickyProviderFile.MAX_BYTES));

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("larger than 4096 bytes");
  }

  @Test
  void read_directory_ignored() throws IOException {
    Files.createDirectory(file);

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("not a regular file");
  }

  @Test
  void read_danglingSymlink_absent() throws IOException {
    Files.createSymbolicLink(file, dir.resolve("nowhere"));

    assertThat(sticky.read().kind()).isEqualTo(StickyReading.Kind.ABSENT);
    assertThat(warnings).isEmpty();
  }

  @Test
  void read_fileRemoved_absentAgain() throws IOException {
    write("isp1");
    assertThat(sticky.read().forcedProviderId()).contains("isp1");

    Files.delete(file);

    assertThat(sticky.read().kind()).isEqualTo(StickyReading.Kind.ABSENT);
  }

  @Test
  void read_contentChanged_followsEachTick() throws IOException {
    write("isp1");
    assertThat(sticky.read().forcedProviderId()).contains("isp1");

    write("isp2");

    assertThat(sticky.read().forcedProviderId()).contains("isp2");
  }

  @Test
  void none_neverForces() {
    assertThat(StickySource.none().read().kind()).isEqualTo(StickyReading.Kind.ABSENT);
  }
}
