package dev.failover.launcher.install;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.core.StickyProviderFile;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.ConfigPaths;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.config.LoadedConfig;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.NetlinkRouteBackendSettings;
import dev.failover.linux.NoFollowFiles;
import dev.failover.linux.RoutingTableNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Installs and uninstalls the daemon under a root folder, as the original's {@code install.py} and
 * {@code uninstall.py} did, but idempotently and without a shell.
 *
 * <p>What install puts in place, relative to the root:
 *
 * <ul>
 *   <li>{@value #JAR_PATH}: the executable jar;
 *   <li>{@value #CONFIG_PATH}: the config, kept if one is there already (unless forced);
 *   <li>the config's {@code rt_tables_file} (by default {@code
 *       etc/iproute2/rt_tables.d/failover.conf}): the routing-table names, and {@code
 *       etc/iproute2/rt_protos.d/failover.conf}: the name of the daemon's route protocol, so that
 *       {@code ip route} shows {@code proto failover};
 *   <li>{@value #UNIT_PATH}: the systemd unit;
 *   <li>{@value #MANIFEST_PATH}: the list of files written and folders created, so that uninstall
 *       removes exactly those and leaves the root as it found it.
 * </ul>
 *
 * <p>failover never overwrites or removes a file it did not write. Install and uninstall know their
 * files by the manifest and by a header failover writes (or, for the jar and the config, their
 * fixed place), and refuse any other file in the way, naming the path and changing nothing. The
 * root is resolved to its real path, and every target is resolved through the symbolic links of its
 * folders: a path that leaves the root, or is a symbolic link itself, is refused.
 *
 * <p>Install checks the config and every target, and stages every new file beside its place, before
 * it replaces a previous install (stopping its service, keeping its config and its routes, so that
 * an upgrade does not take the router offline). Uninstall refuses, changing nothing, when it cannot
 * read the installed config (unless forced: then it removes every route and rule of failover's
 * protocol); else it stops and disables the service, removes the daemon's routes, rules and tables
 * (on a real root), then every file and folder of the manifest, the config included unless told to
 * keep it. Both may be run any number of times. Not thread-safe; one install or uninstall at a
 * time.
 */
public final class Installer {
  /** The installed jar, relative to the root. */
  public static final String JAR_PATH = "usr/local/lib/failover/failover.jar";

  /** The installed config, relative to the root. */
  public static final String CONFIG_PATH = "etc/failover/failover.toml";

  /** The systemd unit, relative to the root. */
  public static final String UNIT_PATH = "etc/systemd/system/" + SystemdUnit.NAME;

  /** The record of what install wrote, relative to the root. */
  public static final String MANIFEST_PATH = "usr/local/lib/failover/install-manifest.txt";

  /** The folders that belong to failover alone, removed when empty even without a manifest. */
  private static final List<String> OWN_FOLDERS = List.of("usr/local/lib/failover", "etc/failover");

  /**
   * The installed config's folder on the target system: relative paths in the config are resolved
   * against it, then placed under the root.
   */
  private static final Path TARGET_CONFIG_FOLDER = Path.of("/etc/failover");

  /** The headers of the files failover writes, by which install and uninstall know them. */
  private static final List<String> OWN_HEADERS =
      List.of(RoutingTableNames.HEADER, SystemdUnit.INSTALL_HEADER, Manifest.HEADER);

  private static final int HEADER_BYTES = 256;

  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

  /** The example config shipped in the jar, installed when there is no config yet. */
  static final String EXAMPLE_CONFIG_RESOURCE = "/failover.example.toml";

  private final Path root;
  private final PrintWriter out;
  private final SystemActions system;
  private final ConfigLoader loader;

  /**
   * An installer into {@code root}.
   *
   * @param root the root folder; {@code /} for a real install
   * @param out where progress is printed, one line per step
   * @param system systemd and route actions; {@link SystemActions#describing} for a scratch root
   * @param loader checks configs before anything is written
   * @throws IOException if the root does not exist
   */
  public Installer(Path root, PrintWriter out, SystemActions system, ConfigLoader loader)
      throws IOException {
    checkNotNull(root, "root");
    try {
      // The real path: a root reached through a symbolic link is checked against what it is.
      this.root = root.toAbsolutePath().normalize().toRealPath();
    } catch (NoSuchFileException e) {
      throw new IOException("the root " + root + " does not exist", e);
    }
    this.out = checkNotNull(out, "out");
    this.system = checkNotNull(system, "system");
    this.loader = checkNotNull(loader, "loader");
  }

  /**
   * What to install.
   *
   * @param jar the jar to copy, normally the running one
   * @param config the config to install, or empty to keep the installed one (or, if there is none,
   *     to install the example config, without starting the service)
   * @param force overwrite an installed config with {@code config}
   * @param java the java launcher the unit runs, an absolute path on the target system
   */
  public record Options(Path jar, Optional<Path> config, boolean force, Path java) {
    /**
     * @throws IllegalArgumentException if {@code java} is not absolute
     */
    public Options {
      checkNotNull(jar, "jar");
      checkNotNull(config, "config");
      checkNotNull(java, "java");
      checkArgument(java.isAbsolute(), "java must be an absolute path, was %s", java);
    }
  }

  /**
   * Installs, replacing a previous install.
   *
   * <p>Everything is checked and staged before the previous install is touched: the config, where
   * each of its paths lies under the root, that every file to be replaced is one failover wrote,
   * and that every new file can be written (each is written beside its place first). Only then is
   * the old service stopped and each staged file moved into place.
   *
   * @throws InvalidConfigException if the config to install (or the one kept) is invalid; nothing
   *     was changed then
   * @throws InstallRefusedException if a target is a file failover did not write, or a path leaves
   *     the root; nothing was changed then
   * @throws IOException if a file cannot be written or a systemd command fails
   */
  public void install(Options options)
      throws InvalidConfigException, InstallRefusedException, IOException {
    checkNotNull(options, "options");
    checkArgument(
        Files.isRegularFile(options.jar()),
        "the jar to install must be a file, was %s (run install from failover.jar, or pass --jar)",
        options.jar());
    Path configFile = place(Path.of(CONFIG_PATH));
    boolean keepInstalledConfig = Files.exists(configFile, NOFOLLOW) && !options.force();
    String configText;
    boolean start;
    // Everything is checked before anything is removed or written.
    if (keepInstalledConfig) {
      if (!Files.isRegularFile(configFile, NOFOLLOW)) {
        throw new InstallRefusedException(
            "the installed config "
                + configFile
                + " is not a regular file; install changed nothing");
      }
      configText = Files.readString(configFile, StandardCharsets.UTF_8);
      start = true;
    } else if (options.config().isPresent()) {
      configText = Files.readString(options.config().get(), StandardCharsets.UTF_8);
      start = true;
    } else {
      configText = exampleConfig();
      start = false;
    }
    LoadedConfig checked = loader.check(configText, TARGET_CONFIG_FOLDER);
    FailoverConfig config = checked.config();
    checkWritableUnderTheUnit(config);
    for (Path path : configPaths(config)) {
      place(path);
    }
    ConfigPaths.checkOnDisk(config, this::reRoot);
    Manifest previous = readManifest();

    List<Target> targets = new ArrayList<>();
    Path jar = place(Path.of(JAR_PATH));
    if (!isSameFile(options.jar(), jar)) {
      targets.add(new Target(JAR_PATH, jar, null, options.jar()));
    }
    if (!keepInstalledConfig) {
      targets.add(new Target(CONFIG_PATH, configFile, configText, null));
    }
    Path tables = place(config.rtTablesFile());
    targets.add(
        new Target(
            relative(tables), tables, RoutingTableNames.tablesContent(config.providers()), null));
    Path protocols = place(RoutingTableNames.DEFAULT_PROTOCOLS_FILE);
    targets.add(
        new Target(
            relative(protocols),
            protocols,
            RoutingTableNames.protocolsContent(NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL),
            null));
    Path unit = place(Path.of(UNIT_PATH));
    targets.add(
        new Target(
            UNIT_PATH,
            unit,
            SystemdUnit.render(
                options.java(), Path.of("/").resolve(JAR_PATH), Path.of("/").resolve(CONFIG_PATH)),
            null));

    List<String> files = new ArrayList<>();
    files.add(JAR_PATH);
    files.add(CONFIG_PATH);
    targets.stream().map(Target::relative).filter(f -> !files.contains(f)).forEach(files::add);
    files.add(MANIFEST_PATH);
    // Every file to be replaced, and every file of the previous install that goes, is failover's.
    List<String> foreign = new ArrayList<>();
    for (Target target : targets) {
      if (Files.exists(target.place(), NOFOLLOW) && !isOurs(target.relative(), target.place())) {
        foreign.add(target.place().toString());
      }
    }
    List<Path> leaving = new ArrayList<>();
    for (String file : previous.files()) {
      if (files.contains(file)) {
        continue;
      }
      Path path = place(Path.of(file));
      if (Files.exists(path, NOFOLLOW)) {
        if (isOurs(file, path)) {
          leaving.add(path);
        } else {
          foreign.add(path.toString());
        }
      }
    }
    if (!foreign.isEmpty()) {
      throw new InstallRefusedException(
          "install changed nothing: "
              + String.join(", ", foreign)
              + (foreign.size() == 1 ? " is" : " are")
              + " in the way but not written by failover (no failover header, or not the file"
              + " the manifest says); failover never replaces a file it did not write: move it"
              + " away or name another path in the config");
    }

    if (!system.runsSystemctl()) {
      out.println(
          "installing the files under "
              + root
              + "; systemctl commands are only printed here, not run");
    }
    for (String note : checked.notes()) {
      out.println("note: " + note);
    }
    if (keepInstalledConfig && options.config().isPresent()) {
      out.println(
          "keeping the installed config "
              + configFile
              + " (use --force to replace it with "
              + options.config().get()
              + ")");
    }

    Set<String> createdFolders = new LinkedHashSet<>(previous.folders());
    Map<Target, Path> staged = stage(targets, createdFolders);

    boolean wasInstalled = isInstalled();
    if (wasInstalled) {
      out.println("replacing the previous install (its config and routes stay)");
      system.systemctl(List.of("stop", SystemdUnit.NAME), true);
    }
    List<Integer> tableIds = config.providers().stream().map(p -> p.rtTableId()).toList();
    // The manifest first, listing the previous install's files too: whatever happens from here,
    // every file failover wrote is listed for uninstall.
    Set<String> both = new LinkedHashSet<>(previous.files());
    both.addAll(files);
    writeManifest(new Manifest(List.copyOf(both), List.copyOf(createdFolders), tableIds));
    for (Map.Entry<Target, Path> entry : staged.entrySet()) {
      Path place = entry.getKey().place();
      move(entry.getValue(), place);
      out.println("installed " + place);
    }
    if (!keepInstalledConfig) {
      out.println(
          "the config "
              + configFile
              + options.config().map(c -> " is " + c).orElse(" is the example: edit it"));
    }
    out.println("wrote the routing-table names to " + tables + " and " + protocols);
    for (Path old : leaving) {
      deleteQuietly(old, "a file of the previous install");
    }
    writeManifest(new Manifest(files, List.copyOf(createdFolders), tableIds));

    system.systemctl(List.of("daemon-reload"), false);
    String enable = "systemctl enable --now " + SystemdUnit.NAME;
    if (start) {
      system.systemctl(List.of("enable", "--now", SystemdUnit.NAME), false);
    }
    if (start && system.runsSystemctl()) {
      out.println("failover is installed and started; see 'failover status'");
    } else if (start) {
      out.println(
          "failover's files are installed under "
              + root
              + ", but nothing was started: the systemctl commands above were only printed."
              + " On the system that runs from these files, run 'systemctl daemon-reload' and '"
              + enable
              + "'");
    } else {
      out.println(
          "failover is installed but not started: edit "
              + Path.of("/").resolve(CONFIG_PATH)
              + ", check it with 'failover check-config', then run '"
              + (system.runsSystemctl() ? "" : "systemctl daemon-reload' and '")
              + enable
              + "'");
    }
  }

  /**
   * A file install puts in place.
   *
   * @param relative its path under the root, as the manifest lists it
   * @param place where it goes
   * @param content its bytes, or null to copy {@code source}
   * @param source the file to copy, or null
   */
  private record Target(
      String relative, Path place, @Nullable String content, @Nullable Path source) {}

  /**
   * Writes every target beside its place (creating the missing folders, recorded in {@code
   * created}), so that the moves that follow cannot fail for want of room or rights. On failure
   * removes what it wrote and the folders it made.
   *
   * @return the staged file of each target
   */
  private Map<Target, Path> stage(List<Target> targets, Set<String> created) throws IOException {
    Map<Target, Path> staged = new LinkedHashMap<>();
    Set<String> made = new LinkedHashSet<>();
    try {
      for (Target target : targets) {
        Path folder = target.place().getParent();
        createFolders(folder, made);
        Path temporary =
            Files.createTempFile(folder, "." + target.place().getFileName(), ".failover-new");
        staged.put(target, temporary);
        if (target.content() != null) {
          Files.writeString(temporary, target.content(), StandardCharsets.UTF_8);
        } else {
          Files.copy(checkNotNull(target.source()), temporary, StandardCopyOption.REPLACE_EXISTING);
        }
        // iproute2, systemd and 'failover status' read them as any user; a temp file starts 0600.
        StatusFile.makeWorldReadable(temporary);
      }
    } catch (IOException e) {
      for (Path temporary : staged.values()) {
        Files.deleteIfExists(temporary);
      }
      List<String> folders = new ArrayList<>(made);
      Collections.reverse(folders);
      for (String folder : folders) {
        Files.deleteIfExists(resolve(folder));
      }
      throw new IOException("install changed nothing: cannot write its files: " + e, e);
    }
    created.addAll(made);
    return staged;
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The paths a config names, which install checks against the root. */
  private static List<Path> configPaths(FailoverConfig config) {
    List<Path> paths = new ArrayList<>();
    paths.add(config.stickyProviderFilename());
    paths.add(config.statusFile());
    paths.add(config.rtTablesFile());
    paths.add(config.pluginsDir());
    paths.add(config.hooksDir());
    config.keepalivedTrackFile().ifPresent(paths::add);
    config.keepalivedTrackFileIpv6().ifPresent(paths::add);
    return paths;
  }

  /**
   * Refuses a config whose status file the daemon could not write under the systemd unit, which
   * lets it write {@value SystemdUnit#RUNTIME_FOLDER} only ({@code ProtectSystem=strict}): a
   * relative {@code status_file} lands in {@code /etc/failover}, for one.
   */
  private static void checkWritableUnderTheUnit(FailoverConfig config)
      throws InvalidConfigException {
    Path status = config.statusFile();
    if (!status.startsWith(SystemdUnit.RUNTIME_FOLDER)) {
      throw new InvalidConfigException(
          "status_file must be writable by the daemon, which the systemd unit lets write "
              + SystemdUnit.RUNTIME_FOLDER
              + " only (ProtectSystem=strict), was "
              + status
              + " (a relative path is taken from /etc/failover); use the default,"
              + " /run/failover/status.json");
    }
  }

  /** As {@link #uninstall(boolean, boolean)} without {@code force}. */
  public void uninstall(boolean keepConfig) throws InstallRefusedException, IOException {
    uninstall(keepConfig, false);
  }

  /**
   * Uninstalls: stops and disables the service, removes the daemon's routes, rules and tables, and
   * every file and folder install made.
   *
   * <p>Refuses, changing nothing, when the installed config cannot be read or is invalid (without
   * it the daemon's routes cannot be told, and once the config is gone they would stay for good),
   * unless {@code force}: then the routes and rules of failover's protocol go, in every table. Also
   * refuses when the manifest lists a file that failover did not write.
   *
   * @param keepConfig keep the config and the sticky file
   * @param force go on without a readable config
   * @throws InstallRefusedException if it refused; nothing was changed then
   * @throws IOException if a file cannot be removed or a systemd command fails
   */
  public void uninstall(boolean keepConfig, boolean force)
      throws InstallRefusedException, IOException {
    Path configFile = place(Path.of(CONFIG_PATH));
    if (!isInstalled() && !Files.exists(configFile, NOFOLLOW)) {
      out.println("failover is not installed under " + root + "; nothing to do");
      return;
    }
    Manifest manifest = readManifest();
    Optional<FailoverConfig> config;
    try {
      config = Optional.of(installedConfig(configFile));
    } catch (InvalidConfigException | IOException e) {
      String why =
          e instanceof InvalidConfigException
              ? "it is invalid: " + e.getMessage()
              : "it cannot be read: " + e;
      if (!force) {
        throw new InstallRefusedException(
            "uninstall changed nothing: the installed config "
                + configFile
                + " names the daemon's providers, and "
                + why
                + ". Without it the daemon's routes and rules would stay for good. Fix the config"
                + " (check it with 'failover check-config --config "
                + configFile
                + "') and run uninstall again, or run 'failover uninstall --force' to remove"
                + " every route and rule of failover's protocol ("
                + NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL
                + ") instead, the manifest's tables "
                + manifest.tables()
                + " among them");
      }
      out.println("the installed config " + configFile + " is unusable (" + why + "); --force");
      config = Optional.empty();
    }
    // Every file to remove is checked first: failover removes only files it wrote.
    Set<String> files = new LinkedHashSet<>(manifest.files());
    if (keepConfig) {
      files.remove(CONFIG_PATH);
    } else {
      files.add(CONFIG_PATH);
    }
    List<Path> remove = new ArrayList<>();
    List<String> foreign = new ArrayList<>();
    for (String file : files) {
      Path path = place(Path.of(file));
      if (!Files.exists(path, NOFOLLOW)) {
        continue;
      }
      if (isOurs(file, path)) {
        remove.add(path);
      } else {
        foreign.add(path.toString());
      }
    }
    if (!foreign.isEmpty()) {
      throw new InstallRefusedException(
          "uninstall changed nothing: the manifest "
              + resolve(MANIFEST_PATH)
              + " lists "
              + String.join(", ", foreign)
              + ", which failover did not write (no failover header); failover never removes a"
              + " file it did not write: take the line out of the manifest, then run uninstall"
              + " again");
    }
    // Files an install without a manifest (an interrupted one) may have left, if failover's.
    List<Path> known = new ArrayList<>();
    known.add(resolve(JAR_PATH));
    known.add(resolve(UNIT_PATH));
    known.add(resolve(MANIFEST_PATH));
    known.add(reRoot(RoutingTableNames.DEFAULT_PROTOCOLS_FILE));
    known.add(reRoot(FailoverConfig.DEFAULT_RT_TABLES_FILE));
    config.ifPresent(c -> known.add(reRoot(c.rtTablesFile())));
    for (Path path : known) {
      if (!remove.contains(path)
          && Files.exists(path, NOFOLLOW)
          && ConfigPaths.realPath(path).startsWith(root)
          && isOurs(relative(path), path)) {
        remove.add(path);
      }
    }

    system.systemctl(List.of("disable", "--now", SystemdUnit.NAME), true);
    if (config.isPresent()) {
      system.removeRoutes(config.get());
    } else {
      system.removeRoutesLeftBehind(manifest.tables());
    }
    for (Path path : remove) {
      if (Files.deleteIfExists(path)) {
        out.println("removed " + path);
      }
    }
    // The unit keeps /run/failover after a stop (RuntimeDirectoryPreserve=yes), so that 'status'
    // shows a stopped daemon's last status; that status goes with the daemon.
    if (config.isPresent()) {
      Path status = reRoot(config.get().statusFile());
      if (Files.exists(status, NOFOLLOW)) {
        if (ConfigPaths.realPath(status).startsWith(root)
            && ConfigPaths.holdsStatusDocument(status)) {
          deleteQuietly(status, "the last status");
        } else {
          out.println("kept " + status + ": it is not a status file failover wrote");
        }
      }
    }
    Path runtime = reRoot(Path.of(SystemdUnit.RUNTIME_FOLDER));
    try {
      if (ConfigPaths.realPath(runtime).startsWith(root)) {
        Files.deleteIfExists(runtime);
      }
    } catch (DirectoryNotEmptyException e) {
      out.println("kept " + runtime + ": it holds other files (a keepalived track file?)");
    }
    if (!keepConfig && config.isPresent()) {
      Path sticky = reRoot(config.get().stickyProviderFilename());
      if (Files.exists(sticky, NOFOLLOW)) {
        if (ConfigPaths.realPath(sticky).startsWith(root)
            && StickyProviderFile.holdsStickyContent(sticky, NoFollowFiles::read)) {
          deleteQuietly(sticky, "the sticky file");
        } else {
          out.println(
              "kept "
                  + sticky
                  + ": it is not a sticky file (a provider id, as 'failover sticky set' writes)");
        }
      }
    }
    if (!keepConfig && config.isPresent()) {
      Path plugins = reRoot(config.get().pluginsDir());
      if (Files.isDirectory(plugins, NOFOLLOW)) {
        out.println("kept the plugins folder " + plugins + ": install did not put its jars there");
      }
    }
    removeFolders(manifest.folders());
    system.systemctl(List.of("daemon-reload"), false);
    List<String> printed = new ArrayList<>();
    if (!system.runsSystemctl()) {
      printed.add("the systemctl commands");
    }
    if (!system.removesRoutes()) {
      printed.add("the route removal");
    }
    out.println(
        (printed.isEmpty()
                ? "failover is uninstalled"
                : "failover's files are removed from " + root)
            + (keepConfig
                ? "; the config " + configFile + " was kept"
                : "; its config was removed too")
            + (printed.isEmpty()
                ? ""
                : "; "
                    + String.join(" and ", printed)
                    + " above were only printed: nothing was stopped"
                    + (system.removesRoutes() ? "" : " and no route was removed")));
  }

  /** Whether a previous install is present. */
  boolean isInstalled() {
    return Files.exists(resolve(MANIFEST_PATH), NOFOLLOW)
        || Files.exists(resolve(JAR_PATH), NOFOLLOW)
        || Files.exists(resolve(UNIT_PATH), NOFOLLOW);
  }

  /**
   * The installed config.
   *
   * @throws IOException if it is missing, not a regular file or cannot be read
   * @throws InvalidConfigException if it breaks a rule
   */
  private FailoverConfig installedConfig(Path configFile)
      throws IOException, InvalidConfigException {
    if (!Files.isRegularFile(configFile, NOFOLLOW)) {
      throw new IOException(configFile + " is missing or not a regular file");
    }
    return loader.parse(Files.readString(configFile, StandardCharsets.UTF_8), TARGET_CONFIG_FOLDER);
  }

  /**
   * Whether failover wrote {@code file} ({@code relative} under the root): a regular file, not a
   * symbolic link, that is the jar or the config at their fixed places, or starts with one of the
   * headers failover writes.
   */
  private static boolean isOurs(String relative, Path file) throws IOException {
    if (!Files.isRegularFile(file, NOFOLLOW)) {
      return false;
    }
    if (relative.equals(JAR_PATH) || relative.equals(CONFIG_PATH)) {
      return true;
    }
    String start;
    try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
      start = new String(in.readNBytes(HEADER_BYTES), StandardCharsets.UTF_8);
    }
    return OWN_HEADERS.stream().anyMatch(start::startsWith);
  }

  private void deleteQuietly(Path file, String what) {
    try {
      if (Files.deleteIfExists(file)) {
        out.println("removed " + what + " " + file);
      }
    } catch (IOException e) {
      out.println("cannot remove " + what + " " + file + ": " + e);
    }
  }

  /** Removes the folders install created, deepest first, and failover's own, if empty. */
  private void removeFolders(List<String> created) throws IOException {
    Set<String> folders = new LinkedHashSet<>(created);
    folders.addAll(OWN_FOLDERS);
    List<Path> paths =
        folders.stream()
            .map(this::resolve)
            .filter(p -> p.startsWith(root) && !p.equals(root))
            .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
            .toList();
    for (Path folder : paths) {
      if (!Files.isDirectory(folder, NOFOLLOW)) {
        continue;
      }
      try {
        Files.delete(folder);
        out.println("removed " + folder + "/");
      } catch (DirectoryNotEmptyException e) {
        out.println("kept " + folder + "/: it holds files failover did not install");
      }
    }
  }

  /** Creates {@code folder} and its missing parents, recording those it created. */
  private void createFolders(Path folder, Set<String> created) throws IOException {
    List<Path> missing = new ArrayList<>();
    for (Path f = folder;
        f != null && f.startsWith(root) && !Files.exists(f, NOFOLLOW);
        f = f.getParent()) {
      missing.add(0, f);
    }
    for (Path f : missing) {
      Files.createDirectory(f);
      created.add(relative(f));
    }
  }

  /**
   * The manifest of the previous install, empty if there is none.
   *
   * @throws InstallRefusedException if the file is not a manifest failover wrote
   */
  private Manifest readManifest() throws IOException, InstallRefusedException {
    Path file = place(Path.of(MANIFEST_PATH));
    if (!Files.exists(file, NOFOLLOW)) {
      return new Manifest(List.of(), List.of(), List.of());
    }
    if (!isOurs(MANIFEST_PATH, file)) {
      throw new InstallRefusedException(
          "changed nothing: "
              + file
              + " is not a manifest failover wrote (it does not start with '"
              + Manifest.HEADER.strip()
              + "'); move it away and run the command again");
    }
    return Manifest.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private void writeManifest(Manifest manifest) throws IOException {
    Path file = resolve(MANIFEST_PATH);
    Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(temporary, manifest.format(), StandardCharsets.UTF_8);
      StatusFile.makeWorldReadable(temporary);
      move(temporary, file);
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  private static String exampleConfig() throws IOException {
    try (var in = Installer.class.getResourceAsStream(EXAMPLE_CONFIG_RESOURCE)) {
      if (in == null) {
        throw new IOException("the example config is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static boolean isSameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private Path resolve(String relative) {
    return root.resolve(relative).normalize();
  }

  /**
   * Where {@code target} (a path of the target system, or one relative to the root) lies under the
   * root, with the symbolic links of its folders resolved.
   *
   * @throws InstallRefusedException if it leaves the root, through {@code ..} or a symbolic link,
   *     or is a symbolic link itself
   */
  private Path place(Path target) throws IOException, InstallRefusedException {
    Path path = reRoot(target);
    if (!path.startsWith(root) || path.equals(root)) {
      throw new InstallRefusedException(
          "changed nothing: " + target + " is not a file under the root " + root);
    }
    Path real = ConfigPaths.realPath(path);
    if (!real.startsWith(root)) {
      throw new InstallRefusedException(
          "changed nothing: "
              + path
              + " leaves the root "
              + root
              + " through a symbolic link (it is "
              + real
              + "); failover writes and removes files under the root only");
    }
    if (Files.isSymbolicLink(real)) {
      throw new InstallRefusedException(
          "changed nothing: "
              + real
              + " is a symbolic link; failover never writes or removes a file through one");
    }
    return real;
  }

  /** The place of an absolute path of the target system under the root. */
  private Path reRoot(Path absolute) {
    Path path = absolute.isAbsolute() ? Path.of("/").relativize(absolute) : absolute;
    return root.resolve(path).normalize();
  }

  private String relative(Path path) {
    return root.relativize(path).toString();
  }

  /**
   * What an install wrote: files and the folders it had to create, relative to the root, and the
   * routing tables of its providers (for an uninstall that cannot read the config).
   */
  record Manifest(List<String> files, List<String> folders, List<Integer> tables) {
    /** The first line of the manifest, by which uninstall knows it. */
    static final String HEADER =
        "# What 'failover install' wrote; 'failover uninstall' removes it.\n";

    Manifest {
      files = List.copyOf(files);
      folders = List.copyOf(folders);
      tables = List.copyOf(tables);
    }

    static Manifest parse(List<String> lines) {
      List<String> files = new ArrayList<>();
      List<String> folders = new ArrayList<>();
      List<Integer> tables = new ArrayList<>();
      for (String line : lines) {
        if (line.startsWith("file ")) {
          files.add(line.substring(5));
        } else if (line.startsWith("folder ")) {
          folders.add(line.substring(7));
        } else if (line.startsWith("table ")) {
          try {
            tables.add(Integer.parseInt(line.substring(6).strip()));
          } catch (NumberFormatException e) {
            // Not a table id: a hand edit; the tables are only used by 'uninstall --force'.
          }
        }
      }
      return new Manifest(files, folders, tables);
    }

    String format() {
      StringBuilder text = new StringBuilder(HEADER);
      files.forEach(f -> text.append("file ").append(f).append('\n'));
      folders.forEach(f -> text.append("folder ").append(f).append('\n'));
      tables.forEach(t -> text.append("table ").append(t).append('\n'));
      return text.toString();
    }
  }
}
