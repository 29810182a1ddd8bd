package dev.failover.launcher.config;

import dev.failover.linux.NoFollowFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the config file as what it must be: a regular file of bounded size, in UTF-8.
 *
 * <p>The file's type is looked at first, with a {@code stat} that follows symbolic links (a config
 * linked from elsewhere is fine), and without opening it: opening a FIFO blocks until someone
 * writes to it, so a config that is a FIFO hung every command, and a folder or a device is no
 * config either. Only a regular file is opened, and at most {@code maxBytes + 1} bytes are read,
 * so that a file that grows after the look, or lies about its size ({@code /proc}), is still
 * bounded. The open is non-blocking (failover-linux's {@code NoFollowFiles}, following links) and the open file is looked at
 * again, so that a file replaced by a FIFO between the look and the open cannot block either.
 * Stateless.
 */
final class ConfigFile {
  private static final int TYPE_MASK = 0170000;

  private ConfigFile() {}

  /**
   * The text of {@code file}.
   *
   * @throws InvalidConfigException if it is missing, not a regular file, larger than {@code
   *     maxBytes} or not UTF-8, or cannot be read; the message names the file
   */
  static String read(Path file, int maxBytes) throws InvalidConfigException {
    String shown = Messages.escape(file.toString());
    int mode;
    try {
      mode = (Integer) Files.getAttribute(file, "unix:mode");
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read config file " + shown + ": " + describe(e), e);
    }
    if ((mode & TYPE_MASK) != 0100000) {
      throw new InvalidConfigException(
          "config file " + shown + " must be a regular file, was " + typeName(mode));
    }
    byte[] bytes;
    try {
      bytes = readBytes(file, maxBytes + 1);
    } catch (IOException e) {
      throw new InvalidConfigException("cannot read config file " + shown + ": " + describe(e), e);
    }
    if (bytes.length > maxBytes) {
      throw new InvalidConfigException(
          String.format(
              "config file %s must be at most %d bytes (a config is a few kilobytes), was larger",
              shown, maxBytes));
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidConfigException(
          "config file " + shown + " must be UTF-8 text, as TOML is: " + describe(e), e);
    }
  }

  /**
   * At most {@code limit} bytes, opened non-blocking where the C library can be reached, so that
   * a file replaced by a FIFO after the look cannot block the open either.
   */
  private static byte[] readBytes(Path file, int limit) throws IOException {
    try {
      byte[] bytes = NoFollowFiles.readFollowingLinks(file, limit);
      // The reader hands back one byte over the limit, for a caller that tells "too large".
      return bytes.length > limit ? Arrays.copyOf(bytes, limit) : bytes;
    } catch (LinkageError e) {
      // No JNA native library for this platform: the look above is all the protection there is.
      try (InputStream in = Files.newInputStream(file)) {
        return in.readNBytes(limit);
      }
    }
  }

  private static String typeName(int mode) {
    switch (mode & TYPE_MASK) {
      case 0040000:
        return "a folder";
      case 0010000:
        return "a FIFO (named pipe)";
      case 0020000:
        return "a character device";
      case 0060000:
        return "a block device";
      case 0140000:
        return "a socket";
      default:
        return String.format("of type %06o", mode & TYPE_MASK);
    }
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + Messages.escape(e.getMessage()));
  }
}
