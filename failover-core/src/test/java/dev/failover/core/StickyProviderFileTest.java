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
    sticky =
        new StickyProviderFile(file, providers(2), StickyProviderFile.JDK_READER, warnings::add);
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
    assertThat(warnings.get(0))
        .contains("names no configured provider (5 bytes; known: isp1, isp2)")
        .doesNotContain("isp7");
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
    assertThat(reading.detail()).contains("holds no provider id");
    assertThat(warnings).hasSize(1);
  }

  @Test
  void read_severalLines_ignoredAsGarbage() throws IOException {
    write("isp1\nisp2\n");

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail())
        .contains("holds 2 lines besides comments, not one provider id (10 bytes)")
        .doesNotContain("isp2");
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
  void read_controlCharactersInValidUtf8_ignoredWithoutEchoingThem() throws IOException {
    write("isp1\u0000\u0007");

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail())
        .contains("does not hold a provider id (6 bytes)")
        .doesNotContain("isp1")
        .doesNotContain("\u0000");
  }

  /** Issue 15: the first 40 characters of whatever the path named went to the log and status. */
  @Test
  void read_secretContent_neverEchoedInDetailOrLog() throws IOException {
    String secret = "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n";
    write(secret);

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("(" + secret.length() + " bytes)").doesNotContain("root");
    assertThat(warnings).singleElement().asString().doesNotContain("root").doesNotContain("$6$");
  }

  @Test
  void read_singleWordSecret_neverEchoed() throws IOException {
    write("hunter2\n");

    StickyReading reading = sticky.read();

    assertThat(reading.detail()).doesNotContain("hunter2");
    assertThat(warnings).singleElement().asString().doesNotContain("hunter2");
  }

  @Test
  void read_whatStickySetWrites_forcesTheId() throws IOException {
    write(StickyProviderFile.content("isp2"));

    assertThat(sticky.read().forcedProviderId()).contains("isp2");
    assertThat(warnings).isEmpty();
  }

  /** Issue 15: the sticky path was followed through symbolic links, to read any file. */
  @Test
  void read_symlinkToAFile_ignoredWithoutFollowingIt() throws IOException {
    Path secret = Files.writeString(dir.resolve("secret"), "isp1\n");
    Files.createSymbolicLink(file, secret);

    StickyReading reading = sticky.read();

    assertThat(reading.kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(reading.detail()).contains("is a symbolic link, which is not followed");
  }

  @Test
  void holdsStickyContent_idOrWhatSetWrites_true() throws IOException {
    write("isp1\n");
    assertThat(StickyProviderFile.holdsStickyContent(file)).isTrue();
    write(StickyProviderFile.content("isp9"));
    assertThat(StickyProviderFile.holdsStickyContent(file)).isTrue();
  }

  @Test
  void holdsStickyContent_anyOtherFile_false() throws IOException {
    write("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n");
    assertThat(StickyProviderFile.holdsStickyContent(file)).isFalse();
    write("not an id at all\n");
    assertThat(StickyProviderFile.holdsStickyContent(file)).isFalse();
    Files.delete(file);
    Files.createSymbolicLink(file, Files.writeString(dir.resolve("target"), "isp1\n"));
    assertThat(StickyProviderFile.holdsStickyContent(file)).isFalse();
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
  void read_danglingSymlink_ignoredAsALink() throws IOException {
    Files.createSymbolicLink(file, dir.resolve("nowhere"));

    assertThat(sticky.read().kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(warnings).singleElement().asString().contains("is a symbolic link");
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
