package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.failover.api.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sticky-provider file ({@code sticky_provider_filename}): when it holds the id of a configured
 * provider, that provider is forced to be main.
 *
 * <p>The file is read on every {@link #read()} (once per tick), so the operator can write or
 * remove it at any time. Its content is trimmed of surrounding white space. A missing file is the
 * normal case and is not logged. Content that cannot be used is ignored and reported at WARN once
 * per distinct content, not on every tick: an id that names no configured provider, an empty file,
 * several lines, text that is not an id, bytes that are not UTF-8, more than {@value #MAX_BYTES}
 * bytes, or a path that is not a regular file (a FIFO would block the engine). A read error is
 * logged once per distinct message and treated as no sticky provider. When usable content returns,
 * the memory of what was reported is cleared, so the same bad content later is reported again.
 *
 * <p>The path is used as given: the caller resolves a relative {@code sticky_provider_filename}
 * against the working directory. Thread-safe; meant to be read from the engine's thread.
 */
public final class StickyProviderFile implements StickySource {
  private static final Logger logger = LoggerFactory.getLogger(StickyProviderFile.class);

  /** More than any provider id can take; a bigger file is not a sticky file. */
  static final int MAX_BYTES = 4096;

  /** The same rule as {@link Provider#id()}, to tell an unknown id from garbage in messages. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private static final int PREVIEW_CHARS = 40;

  private final Path file;
  private final ImmutableSet<String> knownIds;
  private final Consumer<String> warn;

  /** What was last reported at WARN, so that the same problem is not reported on every tick. */
  private @Nullable String lastReported;

  /** The id forced at the last read, to log a change once at INFO. */
  private @Nullable String lastForced;

  /**
   * Reads {@code file}, accepting the ids of {@code providers}.
   *
   * @param file the sticky file, already resolved against the working directory if it was relative
   * @param providers the configured providers
   */
  public StickyProviderFile(Path file, Collection<Provider> providers) {
    this(file, providers, detail -> logger.warn("{}", detail));
  }

  /** As the public constructor, reporting problems to {@code warn}; for tests. */
  StickyProviderFile(Path file, Collection<Provider> providers, Consumer<String> warn) {
    this.warn = checkNotNull(warn, "warn");
    this.file = checkNotNull(file, "file");
    ImmutableSet.Builder<String> ids = ImmutableSet.builder();
    for (Provider provider : checkNotNull(providers, "providers")) {
      ids.add(provider.id());
    }
    this.knownIds = ids.build();
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  @Override
  public synchronized StickyReading read() {
    StickyReading reading = readOnce();
    if (reading.kind() != StickyReading.Kind.IGNORED) {
      lastReported = null;
    }
    String forced = reading.providerId();
    if (!Objects.equals(forced, lastForced)) {
      if (forced != null) {
        logger.info("sticky provider file {} forces provider '{}'", file, forced);
      } else if (lastForced != null) {
        logger.info("sticky provider file {} no longer forces provider '{}'", file, lastForced);
      }
      lastForced = forced;
    }
    return reading;
  }

  private StickyReading readOnce() {
    byte[] bytes;
    try {
      // A dangling symbolic link counts as missing too.
      if (!Files.exists(file)) {
        return StickyReading.absent();
      }
      if (!Files.isRegularFile(file)) {
        return ignored("not-regular", "sticky provider file " + file + " is not a regular file");
      }
      try (InputStream in = Files.newInputStream(file)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
    } catch (NoSuchFileException e) {
      // Removed between the check and the read: the normal "no sticky" case.
      return StickyReading.absent();
    } catch (IOException | SecurityException e) {
      return ignored(
          "error:" + e,
          "cannot read sticky provider file " + file + " (" + e + "); no provider forced");
    }
    if (bytes.length > MAX_BYTES) {
      return ignored(
          "too-large",
          "sticky provider file " + file + " is larger than " + MAX_BYTES + " bytes; ignored");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return ignored(
          "binary:" + preview(new String(bytes, StandardCharsets.ISO_8859_1)),
          "sticky provider file " + file + " is not UTF-8 text; ignored");
    }
    String content = text.strip();
    if (knownIds.contains(content)) {
      return StickyReading.forced(
          content, "sticky provider file " + file + " forces provider '" + content + "'");
    }
    if (content.isEmpty()) {
      return ignored("empty", "sticky provider file " + file + " is empty; ignored");
    }
    if (ID.matcher(content).matches()) {
      return ignored(
          "unknown:" + content,
          "sticky provider file "
              + file
              + " names unknown provider '"
              + content
              + "' (known: "
              + String.join(", ", knownIds)
              + "); ignored");
    }
    return ignored(
        "garbage:" + content,
        "sticky provider file "
            + file
            + " does not hold a provider id (starts with '"
            + preview(content)
            + "'); ignored");
  }

  /** An ignored reading, reported at WARN unless {@code key} is what was reported last. */
  private StickyReading ignored(String key, String detail) {
    if (!key.equals(lastReported)) {
      lastReported = key;
      warn.accept(detail);
    }
    return StickyReading.ignored(detail);
  }

  /** The start of {@code text}, with control characters escaped, safe to put in a log line. */
  private static String preview(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length() && out.length() < PREVIEW_CHARS; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
        out.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return text.length() > PREVIEW_CHARS ? out + "..." : out.toString();
  }
}
