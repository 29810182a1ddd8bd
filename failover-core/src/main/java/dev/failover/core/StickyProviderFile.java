package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import dev.failover.api.Provider;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sticky-provider file ({@code sticky_provider_filename}): when it holds the id of a configured
 * provider, that provider is forced to be main.
 *
 * <p>The file is read on every {@link #read()} (once per tick), so the operator can write or remove
 * it at any time. It holds one provider id; lines that start with {@code #} (the header {@code
 * failover sticky set} writes) and blank lines are skipped, and the id is trimmed of surrounding
 * white space. A missing file is the normal case and is not logged. Content that cannot be used is
 * ignored and reported at WARN once per distinct problem, not on every tick: an id that names no
 * configured provider, an empty file, several ids, text that is not an id, bytes that are not
 * UTF-8, more than {@value #MAX_BYTES} bytes, a symbolic link, or something that is not a regular
 * file. A read error is logged once per distinct message and treated as no sticky provider. When
 * usable content returns, the memory of what was reported is cleared, so the same bad content later
 * is reported again.
 *
 * <p>The content is never echoed: logs and the reading's detail (which the status file and the
 * {@code status} command show) give its size, or why it was ignored, so that a sticky path aimed at
 * a secret does not publish it. The file is read through a {@link Reader}: the launcher's opens it
 * without following a final symbolic link and without blocking ({@code O_NOFOLLOW | O_NONBLOCK}),
 * checks the type of the opened file and bounds the size; the {@linkplain #JDK_READER default} does
 * what the JDK can (see there).
 *
 * <p>The path is used as given: the caller resolves a relative {@code sticky_provider_filename}
 * against the working directory. Thread-safe; meant to be read from the engine's thread.
 */
public final class StickyProviderFile implements StickySource {
  private static final Logger logger = LoggerFactory.getLogger(StickyProviderFile.class);

  /** More than any provider id and the header take; a bigger file is not a sticky file. */
  public static final int MAX_BYTES = 4096;

  /** The first line {@code failover sticky set} writes, by which it knows its own file. */
  public static final String HEADER =
      "# Written by 'failover sticky set'; 'failover sticky clear' removes it.";

  /** The same rule as {@link Provider#id()}, to tell an unknown id from garbage in messages. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /**
   * Reads a small file without following a final symbolic link, refusing what is not a regular
   * file.
   */
  @FunctionalInterface
  public interface Reader {
    /**
     * Reads at most {@code maxBytes + 1} bytes of {@code file}.
     *
     * @throws NoSuchFileException if there is no file
     * @throws IOException if it is a symbolic link or not a regular file (the message says which,
     *     never the content), or cannot be read
     */
    byte[] read(Path file, int maxBytes) throws IOException;
  }

  /**
   * The reader the JDK allows: checks the type without following links, then opens with {@link
   * LinkOption#NOFOLLOW_LINKS} and checks the size of the opened channel. It cannot open without
   * blocking: a FIFO swapped in between the check and the open would block the caller until a
   * writer comes, so the daemon uses failover-linux's {@code NoFollowFiles} instead.
   */
  public static final Reader JDK_READER = StickyProviderFile::readWithTheJdk;

  private final Path file;
  private final ImmutableSet<String> knownIds;
  private final Reader reader;
  private final Consumer<String> warn;

  /** What was last reported at WARN, so that the same problem is not reported on every tick. */
  private @Nullable String lastReported;

  /** The id forced at the last read, to log a change once at INFO. */
  private @Nullable String lastForced;

  /**
   * Reads {@code file} with the {@linkplain #JDK_READER JDK's reader}, accepting the ids of {@code
   * providers}.
   *
   * @param file the sticky file, already resolved against the working directory if it was relative
   * @param providers the configured providers
   */
  public StickyProviderFile(Path file, Collection<Provider> providers) {
    this(file, providers, JDK_READER);
  }

  /**
   * Reads {@code file} with {@code reader}, accepting the ids of {@code providers}.
   *
   * @param reader opens without following a final link and without blocking
   */
  public StickyProviderFile(Path file, Collection<Provider> providers, Reader reader) {
    this(file, providers, reader, detail -> logger.warn("{}", detail));
  }

  /** As the public constructor, reporting problems to {@code warn}; for tests. */
  StickyProviderFile(
      Path file, Collection<Provider> providers, Reader reader, Consumer<String> warn) {
    this.warn = checkNotNull(warn, "warn");
    this.file = checkNotNull(file, "file");
    this.reader = checkNotNull(reader, "reader");
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

  /** What {@code failover sticky set} writes to force {@code id}: the header, then the id. */
  public static String content(String id) {
    checkNotNull(id, "id");
    return HEADER + "\n" + id + "\n";
  }

  /**
   * Whether {@code file} holds what a sticky file holds, so that {@code sticky set}, {@code clear}
   * and uninstall may replace or remove it: a regular file (not a symbolic link) of at most {@value
   * #MAX_BYTES} bytes, UTF-8 text whose lines, besides comments and blank ones, are at most one
   * provider id. Anything else (a system file a wrong path names) is not failover's to touch.
   *
   * @throws IOException if it cannot be read (a missing file is no sticky file: false)
   */
  public static boolean holdsStickyContent(Path file, Reader reader) throws IOException {
    byte[] bytes;
    try {
      bytes = reader.read(file, MAX_BYTES);
    } catch (NoSuchFileException e) {
      return false;
    } catch (FileSystemException e) {
      // A link, a FIFO, a folder: not a sticky file.
      return false;
    }
    if (bytes.length > MAX_BYTES) {
      return false;
    }
    Optional<List<String>> ids = ids(bytes);
    return ids.isPresent()
        && ids.get().size() <= 1
        && ids.get().stream().allMatch(id -> ID.matcher(id).matches());
  }

  /** As {@link #holdsStickyContent(Path, Reader)} with the {@linkplain #JDK_READER JDK's}. */
  public static boolean holdsStickyContent(Path file) throws IOException {
    return holdsStickyContent(file, JDK_READER);
  }

  /** The lines that are neither comments nor blank, stripped; empty if not UTF-8. */
  private static Optional<List<String>> ids(byte[] bytes) {
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
      return Optional.empty();
    }
    return Optional.of(
        text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList());
  }

  private static byte[] readWithTheJdk(Path file, int maxBytes) throws IOException {
    BasicFileAttributes attributes =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (attributes.isSymbolicLink()) {
      throw new FileSystemException(
          file.toString(), null, "is a symbolic link, which is not followed");
    }
    if (!attributes.isRegularFile()) {
      String kind = attributes.isDirectory() ? "a folder" : "a FIFO, socket or device";
      throw new FileSystemException(file.toString(), null, "is not a regular file (" + kind + ")");
    }
    try (SeekableByteChannel channel =
        Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
      ByteBuffer buffer = ByteBuffer.allocate(maxBytes + 1);
      while (buffer.hasRemaining() && channel.read(buffer) > 0) {
        // Reads until full or at the end.
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
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
      bytes = reader.read(file, MAX_BYTES);
    } catch (NoSuchFileException e) {
      // Missing, or removed between two reads: the normal "no sticky" case.
      return StickyReading.absent();
    } catch (FileSystemException e) {
      String reason = e.getReason() == null ? e.getClass().getSimpleName() : e.getReason();
      return ignored(
          "unusable:" + reason,
          "sticky provider file " + file + " " + reason + "; no provider forced");
    } catch (IOException | RuntimeException e) {
      return ignored(
          "error:" + e,
          "cannot read sticky provider file " + file + " (" + e + "); no provider forced");
    }
    if (bytes.length > MAX_BYTES) {
      return ignored(
          "too-large",
          "sticky provider file " + file + " is larger than " + MAX_BYTES + " bytes; ignored");
    }
    Optional<List<String>> lines = ids(bytes);
    String size = bytes.length + " bytes";
    if (lines.isEmpty()) {
      return ignored(
          "binary:" + Arrays.hashCode(bytes),
          "sticky provider file " + file + " is not UTF-8 text (" + size + "); ignored");
    }
    List<String> ids = lines.get();
    if (ids.size() == 1 && knownIds.contains(ids.get(0))) {
      String id = ids.get(0);
      return StickyReading.forced(
          id, "sticky provider file " + file + " forces provider '" + id + "'");
    }
    // From here on the content names no provider: it is not repeated, only described.
    String key = String.valueOf(Arrays.hashCode(bytes));
    if (ids.isEmpty()) {
      return ignored("empty", "sticky provider file " + file + " holds no provider id; ignored");
    }
    if (ids.size() > 1) {
      return ignored(
          "several:" + key,
          "sticky provider file "
              + file
              + " holds "
              + ids.size()
              + " lines besides comments, not one provider id ("
              + size
              + "); ignored");
    }
    if (ID.matcher(ids.get(0)).matches()) {
      return ignored(
          "unknown:" + key,
          "sticky provider file "
              + file
              + " names no configured provider ("
              + size
              + "; known: "
              + String.join(", ", knownIds)
              + "); ignored");
    }
    return ignored(
        "garbage:" + key,
        "sticky provider file " + file + " does not hold a provider id (" + size + "); ignored");
  }

  /** An ignored reading, reported at WARN unless {@code key} is what was reported last. */
  private StickyReading ignored(String key, String detail) {
    if (!key.equals(lastReported)) {
      lastReported = key;
      warn.accept(detail);
    }
    return StickyReading.ignored(detail);
  }
}
