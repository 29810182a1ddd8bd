package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The jars of {@code plugins_dir} that may be loaded, found by looking at the files only: nothing
 * is opened or loaded here, so no plugin code (not even a static initialiser) runs before every
 * check has passed.
 *
 * <p>The daemon runs as root, and a plugin's code runs inside it, so the rules are those of
 * sshd's {@code StrictModes} and of the hooks folder ({@code hooks_dir}):
 *
 * <ul>
 *   <li>a missing folder holds no plugins (normal);
 *   <li>the folder (the one a symbolic link leads to) must be a folder owned by the trusted user
 *       (root) and not writable by group or others;
 *   <li>every folder above it must be owned by root or the trusted user and not writable by group
 *       or others, unless it has the sticky bit (as {@code /tmp}), since whoever may rename a
 *       folder above may put another plugins folder in its place;
 *   <li>every {@code *.jar} in it (the file a symbolic link leads to) must be a regular file owned
 *       by the trusted user and not writable by group or others.
 * </ul>
 *
 * <p>Anything else refuses the whole folder, with the path, the reason and the fix: loading some
 * jars and not others would change the set of test case types without a word. Stateless and
 * thread-safe.
 */
final class PluginJars {
  private static final int GROUP_OR_OTHERS_WRITE = 0022;
  private static final int STICKY = 01000;

  private PluginJars() {}

  /**
   * The jars of {@code pluginsDir} in name order, after checking them and the folder.
   *
   * @param pluginsDir the configured {@code plugins_dir}
   * @param trustedUid the user that must own the folder and the jars: 0 (root) in the daemon;
   *     tests pass another uid to see a refusal of files they created as root
   * @throws IllegalArgumentException if the folder or a jar is refused or cannot be read; the
   *     message starts with {@code plugins_dir} and names every refused path with its reason
   */
  static List<Path> trusted(Path pluginsDir, int trustedUid) {
    checkNotNull(pluginsDir, "pluginsDir");
    if (!Files.exists(pluginsDir)) {
      return List.of();
    }
    try {
      List<String> refusals = new ArrayList<>();
      Path folder = pluginsDir.toRealPath();
      if (!Files.isDirectory(folder)) {
        throw new IllegalArgumentException(
            "plugins_dir " + Messages.escape(pluginsDir.toString()) + " is not a folder");
      }
      checkOwner(folder, "plugins_dir", trustedUid, false, refusals);
      for (Path above = folder.getParent(); above != null; above = above.getParent()) {
        checkOwner(above, "the folder above plugins_dir", trustedUid, true, refusals);
      }
      List<Path> jars = new ArrayList<>();
      if (refusals.isEmpty()) {
        for (Path jar : jarsIn(folder)) {
          Path target;
          try {
            target = jar.toRealPath();
          } catch (NoSuchFileException e) {
            refusals.add(
                String.format("plugin jar %s is a dangling link", Messages.escape(jar.toString())));
            continue;
          }
          if (!Files.isRegularFile(target)) {
            refusals.add(
                String.format(
                    "plugin jar %s is not a regular file", Messages.escape(jar.toString())));
            continue;
          }
          int before = refusals.size();
          checkOwner(target, "plugin jar", trustedUid, false, refusals);
          if (!jar.equals(target)) {
            for (Path above = target.getParent(); above != null; above = above.getParent()) {
              checkOwner(above, "the folder above plugin jar", trustedUid, true, refusals);
            }
          }
          if (refusals.size() == before) {
            jars.add(jar);
          }
        }
      }
      if (!refusals.isEmpty()) {
        throw new IllegalArgumentException(
            "plugins_dir "
                + Messages.escape(pluginsDir.toString())
                + " is refused, so no plugin is loaded: "
                + String.join("; ", refusals));
      }
      return List.copyOf(jars);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(
          "plugins_dir cannot be read: "
              + Messages.escape(pluginsDir.toString())
              + ": "
              + Messages.escape(String.valueOf(e.getMessage())),
          e);
    }
  }

  /** The {@code *.jar} entries of {@code folder}, sorted, so that a folder loads in one order. */
  private static List<Path> jarsIn(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
    }
  }

  /** Adds what makes {@code path} untrustworthy to {@code refusals}, if anything. */
  private static void checkOwner(
      Path path, String what, int trustedUid, boolean above, List<String> refusals)
      throws IOException {
    int uid = (Integer) Files.getAttribute(path, "unix:uid");
    int mode = (Integer) Files.getAttribute(path, "unix:mode");
    String owner = trustedUid == 0 ? "root" : "uid " + trustedUid;
    String shown = Messages.escape(path.toString());
    if (uid != trustedUid && !(above && uid == 0)) {
      refusals.add(
          String.format(
              "%s %s is owned by uid %s, not by %s, so someone other than %s could change the"
                  + " code the daemon runs as root (chown %s '%s')",
              what, shown, uid, owner, owner, owner, shown));
    } else if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && !(above && (mode & STICKY) != 0)) {
      refusals.add(
          String.format(
              "%s %s is writable by group or others (mode %04o), so someone other than %s could"
                  + " change the code the daemon runs as root (chmod go-w '%s')",
              what, shown, mode & 07777, owner, shown));
    }
  }
}
