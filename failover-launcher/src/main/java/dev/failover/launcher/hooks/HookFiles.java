package dev.failover.launcher.hooks;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The hooks of a folder, in the order they run, and the ones refused.
 *
 * <p>The rules, like {@code run-parts} and sshd's {@code StrictModes}, since the daemon runs its
 * hooks as root:
 *
 * <ul>
 *   <li>a missing folder means no hooks (normal);
 *   <li>the folder, and every hook (the file a symbolic link leads to), must be owned by the
 *       trusted user (root) and not writable by group or others, or it is <em>refused</em> with a
 *       message that says what is wrong and how to fix it; a refused folder runs nothing;
 *   <li>names starting with {@code .}, editor backups ({@code ~}, {@code .swp}) and package manager
 *       leftovers ({@code .dpkg-old}, {@code .rpmnew}, ...) are skipped, and so is what is not a
 *       regular file or not executable by its owner ({@code chmod -x} disables a hook);
 *   <li>the others run in the order of their names, compared as strings ({@code 10-mail} before
 *       {@code 20-webhook}).
 * </ul>
 *
 * <p>Reads the file system at each call, so a hook added or fixed takes effect at the next event.
 * Thread-safe (stateless apart from its settings).
 */
final class HookFiles {
  private static final List<String> SKIPPED_SUFFIXES =
      List.of(
          "~",
          ".swp",
          ".bak",
          ".dpkg-old",
          ".dpkg-new",
          ".dpkg-dist",
          ".dpkg-tmp",
          ".rpmnew",
          ".rpmsave",
          ".rpmorig");

  /** The name a refusal of the whole folder goes by. */
  static final String FOLDER = "hooks_dir";

  private static final int GROUP_OR_OTHERS_WRITE = 0022;
  private static final int OWNER_EXECUTE = 0100;

  private final Path folder;
  private final int trustedUid;

  /**
   * @param folder the hooks folder ({@code hooks_dir})
   * @param trustedUid the user that must own the folder and the hooks: 0 (root) in the daemon
   */
  HookFiles(Path folder, int trustedUid) {
    this.folder = checkNotNull(folder, "folder");
    this.trustedUid = trustedUid;
  }

  Path folder() {
    return folder;
  }

  /**
   * The hooks to run, in order, and the refusals.
   *
   * @throws IOException if the folder exists but cannot be read
   */
  Listing list() throws IOException {
    if (!Files.exists(folder)) {
      return new Listing(List.of(), List.of());
    }
    Optional<String> folderProblem = problem(folder, "hooks_dir");
    if (folderProblem.isPresent()) {
      return new Listing(List.of(), List.of(new Refusal(FOLDER, folderProblem.get())));
    }
    if (!Files.isDirectory(folder)) {
      return new Listing(
          List.of(), List.of(new Refusal(FOLDER, "hooks_dir " + folder + " is not a folder")));
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder)) {
      stream.forEach(entries::add);
    }
    entries.sort(Comparator.comparing(path -> path.getFileName().toString()));
    List<Path> hooks = new ArrayList<>();
    List<Refusal> refused = new ArrayList<>();
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      if (skippedName(name) || !Files.isRegularFile(entry)) {
        continue;
      }
      Optional<String> hookProblem;
      int mode;
      try {
        hookProblem = problem(entry, "hook");
        mode = mode(entry);
      } catch (NoSuchFileException e) {
        continue; // removed (or a dangling link) since the listing
      }
      if (hookProblem.isPresent()) {
        refused.add(new Refusal(name, hookProblem.get()));
      } else if ((mode & OWNER_EXECUTE) != 0) {
        hooks.add(entry);
      }
    }
    return new Listing(List.copyOf(hooks), List.copyOf(refused));
  }

  private static boolean skippedName(String name) {
    if (name.startsWith(".")) {
      return true;
    }
    for (String suffix : SKIPPED_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return true;
      }
    }
    return false;
  }

  /** What makes {@code path} untrustworthy, if anything; follows symbolic links. */
  private Optional<String> problem(Path path, String what) throws IOException {
    int uid = (Integer) Files.getAttribute(path, "unix:uid");
    int mode = mode(path);
    if (uid != trustedUid) {
      return Optional.of(
          String.format(
              "%s %s refused: it is owned by uid %s, not by %s (chown %s '%s')",
              what, path, uid, owner(), owner(), path));
    }
    if ((mode & GROUP_OR_OTHERS_WRITE) != 0) {
      return Optional.of(
          String.format(
              "%s %s refused: it is writable by group or others (mode %04o), so someone other"
                  + " than %s could change what the daemon runs (chmod go-w '%s')",
              what, path, mode & 07777, owner(), path));
    }
    return Optional.empty();
  }

  private String owner() {
    return trustedUid == 0 ? "root" : "uid " + trustedUid;
  }

  private static int mode(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:mode");
  }

  /**
   * A refused hook, or folder.
   *
   * @param name the hook's file name, or {@value #FOLDER} for the folder
   * @param message what is wrong and how to fix it
   */
  record Refusal(String name, String message) {}

  /**
   * The result of a listing.
   *
   * @param hooks the hooks to run, in order
   * @param refused one per refused hook, or one for a refused folder
   */
  record Listing(List<Path> hooks, List<Refusal> refused) {
    Listing {
      hooks = List.copyOf(hooks);
      refused = List.copyOf(refused);
    }
  }
}
