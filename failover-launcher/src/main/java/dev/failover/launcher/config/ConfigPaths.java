package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.NoFollowFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The rules for the paths a config names: where each may live, and what kind of file it may be.
 *
 * <p>failover writes or removes some of these files ({@code status_file}, {@code
 * keepalived_track_file} and {@code keepalived_track_file_ipv6} at every change, {@code
 * sticky_provider_filename} through {@code sticky set} and {@code clear}, {@code rt_tables_file} at
 * install), and runs or loads what the folders hold ({@code hooks_dir}, {@code plugins_dir}), all
 * as root. So a path must not name a system file: it lies in one of failover's own folders ({@link
 * #OWN_FOLDERS}) or outside the system's folders ({@link #SYSTEM_FOLDERS}); {@code rt_tables_file}
 * is a {@code .conf} file in an {@code rt_tables.d} folder, the only files iproute2 reads names
 * from. Two keys never name the same file, and none names the installed config or jar.
 *
 * <p>On disk ({@link #checkOnDisk}): an existing path is of its kind (a regular file, or a folder)
 * and never a symbolic link, whose target failover would otherwise write through; its folders do
 * not lead into a system folder through a link; and a file the daemon replaces ({@code
 * status_file}, the keepalived track files) holds what failover writes there, so that failover
 * never replaces a file it did not write. Messages name the key, the rule and the value. Stateless.
 */
public final class ConfigPaths {
  /** Folders that hold the system's own files; no path key may point into them. */
  static final List<Path> SYSTEM_FOLDERS =
      List.of(
              "/bin",
              "/boot",
              "/dev",
              "/etc",
              "/lib",
              "/lib32",
              "/lib64",
              "/libx32",
              "/proc",
              "/run",
              "/sbin",
              "/sys",
              "/usr",
              "/var/backups",
              "/var/cache",
              "/var/lib",
              "/var/log",
              "/var/mail",
              "/var/spool",
              "/root/.ssh")
          .stream()
          .map(Path::of)
          .toList();

  /** failover's own folders, inside system folders but allowed. */
  static final List<Path> OWN_FOLDERS =
      List.of("/etc/failover", "/run/failover", "/var/lib/failover", "/usr/local/lib/failover")
          .stream()
          .map(Path::of)
          .toList();

  /** Where iproute2 reads table names from besides its own file. */
  static final Path IPROUTE2_TABLES_FOLDER = Path.of("/etc/iproute2/rt_tables.d");

  /** The files install puts in place itself; no key may name them. */
  private static final List<Path> INSTALL_FILES =
      List.of(
          Path.of("/etc/failover/failover.toml"),
          Path.of("/usr/local/lib/failover/failover.jar"),
          Path.of("/usr/local/lib/failover/install-manifest.txt"));

  /** How a status document starts ({@code StatusDocument}'s first key). */
  private static final Pattern STATUS_START = Pattern.compile("\\A\\s*\\{\\s*\"format\"\\s*:");

  private static final int PEEK_BYTES = 64;

  private ConfigPaths() {}

  /** The kind of thing a key names. */
  enum Kind {
    FILE("a regular file"),
    FOLDER("a folder");

    final String words;

    Kind(String words) {
      this.words = words;
    }
  }

  /** One path key of a config: its name, its value and its kind. */
  record Named(String key, Path path, Kind kind) {}

  /** The path keys of {@code config}, in the order of the file's documentation. */
  static List<Named> pathsOf(FailoverConfig config) {
    List<Named> paths = new ArrayList<>();
    paths.add(new Named("sticky_provider_filename", config.stickyProviderFilename(), Kind.FILE));
    paths.add(new Named("status_file", config.statusFile(), Kind.FILE));
    paths.add(new Named("rt_tables_file", config.rtTablesFile(), Kind.FILE));
    config
        .keepalivedTrackFile()
        .ifPresent(f -> paths.add(new Named("keepalived_track_file", f, Kind.FILE)));
    config
        .keepalivedTrackFileIpv6()
        .ifPresent(f -> paths.add(new Named("keepalived_track_file_ipv6", f, Kind.FILE)));
    paths.add(new Named("plugins_dir", config.pluginsDir(), Kind.FOLDER));
    paths.add(new Named("hooks_dir", config.hooksDir(), Kind.FOLDER));
    return paths;
  }

  /**
   * Records in {@code problems} every path of {@code config} that breaks a rule of where it may
   * live; the paths are those of the target system (absolute, as the loader resolved them).
   */
  static void check(FailoverConfig config, List<String> problems) {
    checkNotNull(config, "config");
    Map<Path, String> files = new HashMap<>();
    for (Named named : pathsOf(config)) {
      place(named.key(), named.path()).ifPresent(problems::add);
      if (named.key().equals("rt_tables_file")) {
        Path name = named.path().getFileName();
        Path folder = named.path().getParent();
        if (name == null
            || !name.toString().endsWith(".conf")
            || folder == null
            || folder.getFileName() == null
            || !folder.getFileName().toString().equals("rt_tables.d")) {
          problems.add(
              "rt_tables_file must be a .conf file in an rt_tables.d folder (iproute2 reads table"
                  + " names from no other file), was "
                  + named.path());
        }
      }
      if (named.kind() == Kind.FILE) {
        if (INSTALL_FILES.contains(named.path())) {
          problems.add(
              named.key()
                  + " must not name a file that install puts in place, was "
                  + named.path());
        }
        String other = files.putIfAbsent(named.path(), named.key());
        if (other != null) {
          problems.add(
              named.key() + " must name another file than " + other + ", was " + named.path());
        }
      }
    }
  }

  /** The problem with where {@code path} lies, if any. */
  private static Optional<String> place(String key, Path path) {
    if (!path.isAbsolute() || path.getNameCount() == 0) {
      return Optional.of(key + " must be an absolute path below /, was " + path);
    }
    boolean own = OWN_FOLDERS.stream().anyMatch(path::startsWith);
    boolean names = key.equals("rt_tables_file") && path.startsWith(IPROUTE2_TABLES_FOLDER);
    boolean system = SYSTEM_FOLDERS.stream().anyMatch(path::startsWith);
    if (system && !own && !names) {
      return Optional.of(
          key
              + " must lie in one of failover's folders "
              + OWN_FOLDERS
              + (key.equals("rt_tables_file") ? " or in " + IPROUTE2_TABLES_FOLDER : "")
              + ", or outside the system's folders "
              + SYSTEM_FOLDERS
              + " (failover writes, removes or runs what it names, as root), was "
              + path);
    }
    if (SYSTEM_FOLDERS.contains(path) || OWN_FOLDERS.contains(path)) {
      return Optional.of(key + " must not be a system folder itself, was " + path);
    }
    return Optional.empty();
  }

  /**
   * Checks what exists on disk at each path of {@code config}: its kind, no symbolic link, no
   * folder that leads into a system folder, and, for the files the daemon replaces, content that
   * failover wrote.
   *
   * @param place where a path of the target system is on this machine: the identity for the daemon,
   *     the path under the root for install
   * @throws InvalidConfigException naming every key at fault, its rule and its value
   */
  public static void checkOnDisk(FailoverConfig config, UnaryOperator<Path> place)
      throws InvalidConfigException {
    checkOnDisk(config, place, false);
  }

  /** As {@link #checkOnDisk(FailoverConfig, UnaryOperator)} on this machine's own files. */
  public static void checkOnDisk(FailoverConfig config) throws InvalidConfigException {
    checkOnDisk(config, UnaryOperator.identity(), true);
  }

  private static void checkOnDisk(FailoverConfig config, UnaryOperator<Path> place, boolean host)
      throws InvalidConfigException {
    checkNotNull(config, "config");
    checkNotNull(place, "place");
    List<String> problems = new ArrayList<>();
    for (Named named : pathsOf(config)) {
      Path here = place.apply(named.path());
      try {
        onDisk(named, here, host).ifPresent(problems::add);
      } catch (IOException e) {
        problems.add(named.key() + " cannot be checked: " + here + ": " + e);
      }
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
  }

  private static Optional<String> onDisk(Named named, Path here, boolean host) throws IOException {
    String key = named.key();
    if (host) {
      Path real = realPath(here);
      if (!real.equals(here)) {
        Optional<String> problem = place(key, real);
        if (problem.isPresent()) {
          return Optional.of(
              key
                  + " must not reach a system folder through a symbolic link, was "
                  + here
                  + ", which is "
                  + real);
        }
      }
    }
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(here, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (attributes.isSymbolicLink()) {
      return Optional.of(
          key
              + " must not be a symbolic link (failover does not follow one), was "
              + here
              + " -> "
              + Files.readSymbolicLink(here));
    }
    boolean right =
        named.kind() == Kind.FILE ? attributes.isRegularFile() : attributes.isDirectory();
    if (!right) {
      return Optional.of(
          key + " must be " + named.kind().words + ", was " + here + " (" + kind(attributes) + ")");
    }
    if (key.equals("status_file") && !holdsStatusDocument(here)) {
      return Optional.of(
          key
              + " must name a status file failover wrote, or no file yet (failover replaces only"
              + " its own files), was "
              + here
              + ", which holds something else");
    }
    if (key.startsWith("keepalived_track_file") && !holdsTrackValue(here)) {
      return Optional.of(
          key
              + " must name a track file failover wrote (0 or 1), or no file yet (failover"
              + " replaces only its own files), was "
              + here
              + ", which holds something else ("
              + attributes.size()
              + " bytes)");
    }
    return Optional.empty();
  }

  /**
   * Whether {@code file} is a regular file, not a symbolic link, that starts as the status document
   * failover writes does: the only file at {@code status_file} that failover replaces or removes.
   */
  public static boolean holdsStatusDocument(Path file) throws IOException {
    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
        && STATUS_START.matcher(peek(file)).find();
  }

  /**
   * Whether {@code file} is a regular file, not a symbolic link, that holds what failover writes to
   * {@code keepalived_track_file} ({@code 0} or {@code 1}), or nothing.
   */
  public static boolean holdsTrackValue(Path file) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > 4) {
      return false;
    }
    String text = peek(file).strip();
    return text.isEmpty() || text.equals("0") || text.equals("1");
  }

  /**
   * The first bytes of a regular file, as text; empty if it is gone, a link or not a regular file
   * by the time it is opened. Opened with {@code O_NOFOLLOW | O_NONBLOCK}: the daemon checks the
   * status file before every write, and a FIFO swapped in after the type check must not hang it.
   */
  private static String peek(Path file) throws IOException {
    try {
      byte[] bytes = NoFollowFiles.read(file, PEEK_BYTES);
      return new String(bytes, 0, Math.min(bytes.length, PEEK_BYTES), StandardCharsets.UTF_8);
    } catch (FileSystemException e) {
      // NoSuchFileException among them: nothing failover wrote is there.
      return "";
    }
  }

  private static String kind(BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a folder";
    }
    if (attributes.isRegularFile()) {
      return "a regular file";
    }
    return "a FIFO, socket or device";
  }

  /**
   * {@code path} with the symbolic links of its existing folders resolved: the real path of the
   * longest existing parent, then the rest as written.
   */
  public static Path realPath(Path path) throws IOException {
    Path parent = path.getParent();
    Path existing = parent;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null || parent == null) {
      return path;
    }
    return existing.toRealPath().resolve(existing.relativize(path));
  }
}
