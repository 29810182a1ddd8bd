package dev.failover.launcher.install;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.config.LoadedConfig;
import dev.failover.linux.NetlinkRouteBackendSettings;
import dev.failover.linux.RoutingTableNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
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
 * <p>Install first removes a previous install (stopping its service, keeping its config and its
 * routes, so that an upgrade does not take the router offline). Uninstall stops and disables the
 * service, removes the daemon's routes, rules and tables (on a real root), then every file and
 * folder of the manifest, the config included unless told to keep it. Both may be run any number of
 * times. Not thread-safe; one install or uninstall at a time.
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
   */
  public Installer(Path root, PrintWriter out, SystemActions system, ConfigLoader loader) {
    this.root = checkNotNull(root, "root").toAbsolutePath().normalize();
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
   * Installs, after removing a previous install.
   *
   * @throws InvalidConfigException if the config to install (or the one kept) is invalid; nothing
   *     was changed then
   * @throws IOException if a file cannot be written or a systemd command fails
   */
  public void install(Options options) throws InvalidConfigException, IOException {
    checkNotNull(options, "options");
    checkArgument(
        Files.isRegularFile(options.jar()),
        "the jar to install must be a file, was %s (run install from failover.jar, or pass --jar)",
        options.jar());
    Path configFile = resolve(CONFIG_PATH);
    boolean keepInstalledConfig = Files.exists(configFile) && !options.force();
    String configText;
    boolean start;
    // Everything is checked before anything is removed or written.
    if (keepInstalledConfig) {
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

    Set<String> createdFolders = new LinkedHashSet<>();
    if (isInstalled()) {
      out.println("removing the previous install (its config and routes stay)");
      system.systemctl(List.of("stop", SystemdUnit.NAME), true);
      createdFolders.addAll(readManifest().folders());
      removeFiles(false, options.jar());
    }

    List<String> files = new ArrayList<>();
    Path jar = resolve(JAR_PATH);
    createFolders(jar.getParent(), createdFolders);
    if (!isSameFile(options.jar(), jar)) {
      Path temporary = jar.resolveSibling(".failover.jar.tmp");
      Files.copy(options.jar(), temporary, StandardCopyOption.REPLACE_EXISTING);
      Files.move(temporary, jar, StandardCopyOption.REPLACE_EXISTING);
    }
    files.add(JAR_PATH);
    out.println("installed " + jar);

    createFolders(configFile.getParent(), createdFolders);
    if (!keepInstalledConfig) {
      Files.writeString(configFile, configText, StandardCharsets.UTF_8);
      out.println(
          "installed "
              + configFile
              + options.config().map(c -> " from " + c).orElse(" (the example: edit it)"));
    }
    files.add(CONFIG_PATH);

    Path tables = reRoot(config.rtTablesFile());
    Path protocols = reRoot(RoutingTableNames.DEFAULT_PROTOCOLS_FILE);
    createFolders(tables.getParent(), createdFolders);
    createFolders(protocols.getParent(), createdFolders);
    new RoutingTableNames(tables, protocols)
        .install(config.providers(), NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL);
    files.add(relative(tables));
    files.add(relative(protocols));
    out.println("wrote the routing-table names to " + tables + " and " + protocols);

    Path unit = resolve(UNIT_PATH);
    createFolders(unit.getParent(), createdFolders);
    Files.writeString(
        unit,
        SystemdUnit.render(
            options.java(), Path.of("/").resolve(JAR_PATH), Path.of("/").resolve(CONFIG_PATH)),
        StandardCharsets.UTF_8);
    files.add(UNIT_PATH);
    out.println("installed " + unit);

    files.add(MANIFEST_PATH);
    writeManifest(new Manifest(files, List.copyOf(createdFolders)));

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

  /**
   * Uninstalls: stops and disables the service, removes the daemon's routes, rules and tables, and
   * every file and folder install made.
   *
   * @param keepConfig keep the config, the sticky file and the plugins folder
   * @throws IOException if a file cannot be removed or a systemd command fails
   */
  public void uninstall(boolean keepConfig) throws IOException {
    if (!isInstalled() && !Files.exists(resolve(CONFIG_PATH))) {
      out.println("failover is not installed under " + root + "; nothing to do");
      return;
    }
    system.systemctl(List.of("disable", "--now", SystemdUnit.NAME), true);
    Optional<FailoverConfig> config = installedConfig();
    if (config.isPresent()) {
      system.removeRoutes(config.get());
    } else {
      out.println(
          "cannot read the installed config, so the routes were not removed: make the config"
              + " readable again ('failover check-config') and run uninstall once more. Do not"
              + " flush 'proto 201' from the main table by hand: it holds the default route");
    }
    Manifest manifest = readManifest();
    removeFiles(!keepConfig, null);
    // The unit keeps /run/failover after a stop (RuntimeDirectoryPreserve=yes), so that 'status'
    // shows a stopped daemon's last status; that status goes with the daemon.
    config.ifPresent(c -> deleteQuietly(reRoot(c.statusFile()), "the last status"));
    Path runtime = reRoot(Path.of(SystemdUnit.RUNTIME_FOLDER));
    try {
      Files.deleteIfExists(runtime);
    } catch (DirectoryNotEmptyException e) {
      out.println("kept " + runtime + ": it holds other files (a keepalived track file?)");
    }
    if (!keepConfig) {
      config.ifPresent(c -> deleteQuietly(reRoot(c.stickyProviderFilename()), "the sticky file"));
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
                ? "; the config " + resolve(CONFIG_PATH) + " was kept"
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
    return Files.exists(resolve(MANIFEST_PATH))
        || Files.exists(resolve(JAR_PATH))
        || Files.exists(resolve(UNIT_PATH));
  }

  private Optional<FailoverConfig> installedConfig() {
    Path configFile = resolve(CONFIG_PATH);
    if (!Files.exists(configFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          loader.parse(Files.readString(configFile, StandardCharsets.UTF_8), TARGET_CONFIG_FOLDER));
    } catch (IOException e) {
      out.println("cannot read the installed config " + configFile + ": " + e);
      return Optional.empty();
    } catch (InvalidConfigException e) {
      out.println("the installed config is invalid: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * Removes the files of an install: those in the manifest and the known ones.
   *
   * @param withConfig also the config and the plugins folder
   * @param keepJar a jar that must survive (the one being installed), or null
   */
  private void removeFiles(boolean withConfig, @Nullable Path keepJar) throws IOException {
    Manifest manifest = readManifest();
    Set<String> files = new LinkedHashSet<>(manifest.files());
    files.add(UNIT_PATH);
    files.add(JAR_PATH);
    files.add(MANIFEST_PATH);
    if (manifest.files().isEmpty()) {
      // No manifest (a partial install): the names files at their default places.
      files.add(relative(reRoot(FailoverConfig.DEFAULT_RT_TABLES_FILE)));
      files.add(relative(reRoot(RoutingTableNames.DEFAULT_PROTOCOLS_FILE)));
    }
    installedConfig().ifPresent(c -> files.add(relative(reRoot(c.rtTablesFile()))));
    if (withConfig) {
      installedConfig().ifPresent(c -> deletePlugins(reRoot(c.pluginsDir())));
      files.add(CONFIG_PATH);
    } else {
      files.remove(CONFIG_PATH);
    }
    for (String file : files) {
      Path path = resolve(file);
      if (!path.startsWith(root) || path.equals(root)) {
        continue;
      }
      if (file.equals(JAR_PATH) && keepJar != null && isSameFile(keepJar, path)) {
        continue;
      }
      if (Files.deleteIfExists(path)) {
        out.println("removed " + path);
      }
    }
  }

  private void deletePlugins(Path plugins) {
    if (!plugins.startsWith(root) || !Files.isDirectory(plugins)) {
      return;
    }
    try (Stream<Path> jars = Files.list(plugins)) {
      for (Path jar : jars.filter(f -> f.toString().endsWith(".jar")).toList()) {
        deleteQuietly(jar, "a plugin jar");
      }
    } catch (IOException e) {
      out.println("cannot list the plugins folder " + plugins + ": " + e);
    }
    try {
      Files.deleteIfExists(plugins);
    } catch (IOException e) {
      out.println("kept the plugins folder " + plugins + ": it holds more than plugin jars");
    }
  }

  private void deleteQuietly(Path file, String what) {
    if (!file.startsWith(root)) {
      return;
    }
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
      if (!Files.isDirectory(folder)) {
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
    for (Path f = folder; f != null && f.startsWith(root) && !Files.exists(f); f = f.getParent()) {
      missing.add(0, f);
    }
    for (Path f : missing) {
      Files.createDirectory(f);
      created.add(relative(f));
    }
  }

  private Manifest readManifest() throws IOException {
    Path file = resolve(MANIFEST_PATH);
    if (!Files.exists(file)) {
      return new Manifest(List.of(), List.of());
    }
    return Manifest.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  private void writeManifest(Manifest manifest) throws IOException {
    Files.writeString(resolve(MANIFEST_PATH), manifest.format(), StandardCharsets.UTF_8);
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

  /** The place of an absolute path of the target system under the root. */
  private Path reRoot(Path absolute) {
    Path path = absolute.isAbsolute() ? Path.of("/").relativize(absolute) : absolute;
    return root.resolve(path).normalize();
  }

  private String relative(Path path) {
    return root.relativize(path).toString();
  }

  /** What an install wrote: files and the folders it had to create, relative to the root. */
  record Manifest(List<String> files, List<String> folders) {
    Manifest {
      files = List.copyOf(files);
      folders = List.copyOf(folders);
    }

    static Manifest parse(List<String> lines) {
      List<String> files = new ArrayList<>();
      List<String> folders = new ArrayList<>();
      for (String line : lines) {
        if (line.startsWith("file ")) {
          files.add(line.substring(5));
        } else if (line.startsWith("folder ")) {
          folders.add(line.substring(7));
        }
      }
      return new Manifest(files, folders);
    }

    String format() {
      StringBuilder text =
          new StringBuilder("# What 'failover install' wrote; 'failover uninstall' removes it.\n");
      files.forEach(f -> text.append("file ").append(f).append('\n'));
      folders.forEach(f -> text.append("folder ").append(f).append('\n'));
      return text.toString();
    }
  }
}
