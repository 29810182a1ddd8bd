package dev.failover.launcher.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.FakeScenarioFactory;
import dev.failover.launcher.config.InvalidConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Install and uninstall into a scratch root, with systemd and the kernel replaced by a recorder.
 */
class InstallerTest {
  private static final String CONFIG =
      "check_interval = 2\n"
          + "[[providers]]\n"
          + "id = \"isp1\"\n"
          + "interface_name = \"eth1\"\n"
          + "ipv4_address = \"192.168.1.2\"\n"
          + "network = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\n"
          + "rt_table_name = \"isp1\"\n"
          + "rt_table_id = 101\n"
          + "[[test_cases]]\n"
          + "type = \"fake\"\n"
          + "target = \"192.0.2.1\"\n";

  @TempDir Path root;
  @TempDir Path work;

  private final StringWriter output = new StringWriter();
  private final RecordingActions actions = new RecordingActions();
  private final ConfigLoader loader = new ConfigLoader(dir -> FakeScenarioFactory.factories());
  private Path jar;
  private Path config;

  @BeforeEach
  void files() throws IOException {
    jar = Files.writeString(work.resolve("failover.jar"), "not really a jar");
    config = Files.writeString(work.resolve("my.toml"), CONFIG);
  }

  private Installer installer() throws IOException {
    return new Installer(root, new PrintWriter(output, true), actions, loader);
  }

  private Installer.Options options(Optional<Path> configFile, boolean force) {
    return new Installer.Options(jar, configFile, force, Path.of("/usr/bin/java"));
  }

  /** A distribution's files that install and uninstall must leave alone. */
  private void populate() throws IOException {
    Files.createDirectories(root.resolve("etc/iproute2/rt_tables.d"));
    Files.writeString(root.resolve("etc/iproute2/rt_tables"), "255 local\n254 main\n");
    Files.writeString(root.resolve("etc/iproute2/rt_tables.d/vpn.conf"), "200 vpn\n");
    Files.createDirectories(root.resolve("etc/systemd/system/multi-user.target.wants"));
    Files.writeString(root.resolve("etc/systemd/system/ssh.service"), "[Unit]\n");
    Files.createDirectories(root.resolve("usr/local/lib/other"));
    Files.writeString(root.resolve("usr/local/lib/other/tool.jar"), "x");
  }

  /** Every file and folder under the root, with the content of the files. */
  private Map<String, String> tree() throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        String key = root.relativize(path).toString();
        tree.put(
            key,
            Files.isDirectory(path)
                ? "<folder>"
                : new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
      }
    }
    return tree;
  }

  @Test
  void installThenUninstall_emptyRoot_leavesTheRootAsFound() throws Exception {
    Map<String, String> before = tree();

    installer().install(options(Optional.of(config), false));
    installer().uninstall(false);

    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void installThenUninstall_populatedRoot_leavesTheRootAsFound() throws Exception {
    populate();
    Map<String, String> before = tree();

    installer().install(options(Optional.of(config), false));
    installer().uninstall(false);

    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void install_writesJarConfigTableNamesUnitAndManifest() throws Exception {
    installer().install(options(Optional.of(config), false));

    assertThat(root.resolve(Installer.JAR_PATH)).hasContent("not really a jar");
    assertThat(root.resolve(Installer.CONFIG_PATH)).hasContent(CONFIG);
    assertThat(root.resolve("etc/iproute2/rt_tables.d/failover.conf"))
        .content()
        .contains("101 isp1");
    assertThat(root.resolve("etc/iproute2/rt_protos.d/failover.conf"))
        .content()
        .contains("201 failover");
    assertThat(root.resolve(Installer.MANIFEST_PATH)).exists();
    String unit = Files.readString(root.resolve(Installer.UNIT_PATH));
    assertThat(unit)
        .contains(
            "ExecStart=/usr/bin/java -Xms8m -Xmx32m -Xss256k -XX:+UseSerialGC"
                + " -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m"
                + " -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"
                + " -jar /usr/local/lib/failover/failover.jar run"
                + " --config /etc/failover/failover.toml")
        .contains("Restart=on-failure")
        .contains("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW")
        .contains("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW")
        .contains("NoNewPrivileges=yes")
        .contains("SuccessExitStatus=143");
  }

  @Test
  void install_withConfig_reloadsEnablesAndStartsTheService() throws Exception {
    installer().install(options(Optional.of(config), false));

    assertThat(actions.systemctl)
        .containsExactly(List.of("daemon-reload"), List.of("enable", "--now", "failover.service"));
  }

  @Test
  void install_withoutAnyConfig_installsTheExampleAndDoesNotStart() throws Exception {
    ConfigLoader anyType =
        new ConfigLoader(
            dir -> dev.failover.launcher.config.ScenarioFactories.of(List.of(new PingLike())));
    new Installer(root, new PrintWriter(output, true), actions, anyType)
        .install(options(Optional.empty(), false));

    assertThat(root.resolve(Installer.CONFIG_PATH)).content().contains("[[providers]]");
    assertThat(actions.systemctl).containsExactly(List.of("daemon-reload"));
    assertThat(output.toString()).contains("installed but not started");
  }

  @Test
  void install_twice_isIdempotent() throws Exception {
    populate();
    installer().install(options(Optional.of(config), false));
    Map<String, String> once = tree();

    installer().install(options(Optional.of(config), false));

    assertThat(tree()).isEqualTo(once);
    assertThat(actions.systemctl).contains(List.of("stop", "failover.service"));
  }

  @Test
  void uninstall_twice_isIdempotent() throws Exception {
    Map<String, String> before = tree();
    installer().install(options(Optional.of(config), false));

    installer().uninstall(false);
    installer().uninstall(false);

    assertThat(tree()).isEqualTo(before);
    assertThat(output.toString()).contains("nothing to do");
  }

  @Test
  void install_existingConfig_isKeptUnlessForced() throws Exception {
    installer().install(options(Optional.of(config), false));
    String edited = CONFIG.replace("check_interval = 2", "check_interval = 3");
    Path other = Files.writeString(work.resolve("other.toml"), edited);

    installer().install(options(Optional.of(other), false));
    assertThat(root.resolve(Installer.CONFIG_PATH)).hasContent(CONFIG);

    installer().install(options(Optional.of(other), true));
    assertThat(root.resolve(Installer.CONFIG_PATH)).hasContent(edited);
  }

  @Test
  void install_invalidConfig_changesNothing() throws Exception {
    populate();
    Map<String, String> before = tree();
    Path broken = Files.writeString(work.resolve("broken.toml"), CONFIG.replace("101", "254"));

    assertThatThrownBy(() -> installer().install(options(Optional.of(broken), false)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("providers[0].rt_table_id");
    assertThat(tree()).isEqualTo(before);
    assertThat(actions.systemctl).isEmpty();
  }

  @Test
  void uninstall_removesTheRoutesOfTheInstalledProviders() throws Exception {
    installer().install(options(Optional.of(config), false));

    installer().uninstall(false);

    assertThat(actions.removedRoutesOf).containsExactly(List.of("isp1"));
    assertThat(actions.systemctl).contains(List.of("disable", "--now", "failover.service"));
    assertThat(output.toString()).contains("its config was removed too");
  }

  @Test
  void uninstall_keepConfig_keepsOnlyTheConfigAndStickyFile() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve("etc/failover/sticky.provider"), "isp1\n");

    installer().uninstall(true);

    assertThat(root.resolve(Installer.CONFIG_PATH)).hasContent(CONFIG);
    assertThat(root.resolve("etc/failover/sticky.provider")).exists();
    assertThat(root.resolve(Installer.JAR_PATH)).doesNotExist();
    assertThat(root.resolve(Installer.UNIT_PATH)).doesNotExist();
    assertThat(root.resolve("etc/iproute2/rt_tables.d/failover.conf")).doesNotExist();
  }

  @Test
  void uninstall_removesTheStickyFileWithTheConfig() throws Exception {
    Map<String, String> before = tree();
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve("etc/failover/sticky.provider"), "isp1\n");

    installer().uninstall(false);

    assertThat(tree()).isEqualTo(before);
  }

  /** The unit keeps /run/failover after a stop; uninstall removes the last status with it. */
  @Test
  void uninstall_lastStatusLeftByTheUnit_isRemoved() throws Exception {
    Files.createDirectories(root.resolve("run")); // as on a real root
    Map<String, String> before = tree();
    installer().install(options(Optional.of(config), false));
    Files.createDirectories(root.resolve("run/failover"));
    Files.writeString(root.resolve("run/failover/status.json"), "{\n  \"format\" : 1\n}");

    installer().uninstall(false);

    assertThat(root.resolve("run/failover")).doesNotExist();
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void uninstall_folderHoldsForeignFiles_keepsTheFolderAndTheFiles() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve("etc/failover/notes.txt"), "mine");

    installer().uninstall(false);

    assertThat(root.resolve("etc/failover/notes.txt")).hasContent("mine");
    assertThat(root.resolve(Installer.CONFIG_PATH)).doesNotExist();
    assertThat(output.toString()).contains("it holds files failover did not install");
  }

  @Test
  void options_relativeJava_isRejected() {
    assertThatThrownBy(() -> new Installer.Options(jar, Optional.empty(), false, Path.of("java")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java must be an absolute path, was java");
  }

  @Test
  void install_systemctlOnlyPrinted_saysNothingWasStarted() throws Exception {
    actions.runsSystemctl = false;

    installer().install(options(Optional.of(config), false));

    assertThat(output.toString())
        .contains("systemctl commands are only printed here, not run")
        .contains("but nothing was started: the systemctl commands above were only printed")
        .contains("'systemctl enable --now failover.service'")
        .doesNotContain("installed and started");
  }

  @Test
  void install_systemctlRun_saysStarted() throws Exception {
    installer().install(options(Optional.of(config), false));

    assertThat(output.toString())
        .contains("failover is installed and started")
        .doesNotContain("only printed");
  }

  @Test
  void uninstall_onlyPrinted_saysWhatWasNotDone() throws Exception {
    installer().install(options(Optional.of(config), false));
    actions.runsSystemctl = false;
    actions.removesRoutes = false;

    installer().uninstall(false);

    assertThat(output.toString())
        .contains(
            "failover's files are removed from "
                + root
                + "; its config was removed too; the systemctl commands and the route removal"
                + " above were only printed: nothing was stopped and no route was removed")
        .doesNotContain("failover is uninstalled");
  }

  @Test
  void install_relativeStatusFile_isRefusedBeforeAnythingIsWritten() throws Exception {
    Files.writeString(config, "status_file = \"status.json\"\n" + CONFIG);

    assertThatThrownBy(() -> installer().install(options(Optional.of(config), false)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("status_file must be writable by the daemon")
        .hasMessageContaining("was /etc/failover/status.json");
    try (Stream<Path> left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void install_relativeStickyFile_printsWhatItBecomesOnTheTarget() throws Exception {
    Files.writeString(config, "sticky_provider_filename = \"sticky\"\n" + CONFIG);

    installer().install(options(Optional.of(config), false));

    assertThat(output.toString())
        .contains(
            "note: sticky_provider_filename \"sticky\" is a relative path, taken from the config"
                + " file's folder /etc/failover: /etc/failover/sticky");
  }

  // ---- Issue 15: bad input gets a clear error and loses nothing.

  private void writeInstalledConfig(String text) throws IOException {
    Files.writeString(root.resolve(Installer.CONFIG_PATH), text);
  }

  @Test
  void install_rtTablesFileIsASystemFile_isRefusedAndTheFileKept() throws Exception {
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/bash\n");
    Map<String, String> before = tree();
    Files.writeString(config, "rt_tables_file = \"/etc/passwd\"\n" + CONFIG);

    assertThatThrownBy(() -> installer().install(options(Optional.of(config), false)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("rt_tables_file must be a .conf file in an rt_tables.d folder")
        .hasMessageContaining("was /etc/passwd");
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void install_rtTablesFileIsAnotherPackagesNames_isRefusedNamingIt() throws Exception {
    populate();
    Map<String, String> before = tree();
    Files.writeString(config, "rt_tables_file = \"/etc/iproute2/rt_tables.d/vpn.conf\"\n" + CONFIG);

    assertThatThrownBy(() -> installer().install(options(Optional.of(config), false)))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining(root.resolve("etc/iproute2/rt_tables.d/vpn.conf").toString())
        .hasMessageContaining("not written by failover");
    assertThat(tree()).isEqualTo(before);
    assertThat(actions.systemctl).isEmpty();
  }

  @Test
  void uninstall_manifestNamesAForeignFile_refusesAndChangesNothing() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/bash\n");
    Path manifest = root.resolve(Installer.MANIFEST_PATH);
    Files.writeString(manifest, Files.readString(manifest) + "file etc/passwd\n");
    Map<String, String> before = tree();
    actions.systemctl.clear();

    assertThatThrownBy(() -> installer().uninstall(false))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining(root.resolve("etc/passwd").toString())
        .hasMessageContaining("which failover did not write");
    assertThat(tree()).isEqualTo(before);
    assertThat(actions.systemctl).isEmpty();
    assertThat(actions.removedRoutesOf).isEmpty();
  }

  @Test
  void uninstall_manifestIsNotFailovers_refuses() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve(Installer.MANIFEST_PATH), "file etc/passwd\n");

    assertThatThrownBy(() -> installer().uninstall(false))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining("is not a manifest failover wrote");
    assertThat(root.resolve(Installer.JAR_PATH)).exists();
  }

  @Test
  void uninstall_stickyFileNamesAForeignFile_keepsIt() throws Exception {
    Files.writeString(config, "sticky_provider_filename = \"/etc/failover/notes\"\n" + CONFIG);
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve("etc/failover/notes"), "my notes about the uplinks\n");

    installer().uninstall(false);

    assertThat(root.resolve("etc/failover/notes")).hasContent("my notes about the uplinks\n");
    assertThat(output.toString()).contains("kept " + root.resolve("etc/failover/notes"));
  }

  @Test
  void uninstall_installedConfigNamesASystemStickyFile_refusesAndKeepsIt() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.writeString(root.resolve("etc/shadow"), "root:$6$salt$hash:19000::::::\n");
    writeInstalledConfig("sticky_provider_filename = \"/etc/shadow\"\n" + CONFIG);
    Map<String, String> before = tree();
    actions.systemctl.clear();

    assertThatThrownBy(() -> installer().uninstall(false))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining("uninstall changed nothing")
        .hasMessageContaining("sticky_provider_filename must lie in one of failover's folders");
    assertThat(tree()).isEqualTo(before);
    assertThat(actions.systemctl).isEmpty();
  }

  @Test
  void uninstall_pluginsDirIsAVendorFolder_keepsItsJars() throws Exception {
    Files.createDirectories(root.resolve("opt/vendor/java"));
    Files.writeString(root.resolve("opt/vendor/java/library.jar"), "a vendor's jar");
    Files.writeString(config, "plugins_dir = \"/opt/vendor/java\"\n" + CONFIG);
    installer().install(options(Optional.of(config), false));

    installer().uninstall(false);

    assertThat(root.resolve("opt/vendor/java/library.jar")).hasContent("a vendor's jar");
    assertThat(output.toString()).contains("kept the plugins folder");
  }

  @Test
  void uninstall_invalidInstalledConfig_changesNothingAndSaysWhy() throws Exception {
    installer().install(options(Optional.of(config), false));
    writeInstalledConfig(CONFIG.replace("check_interval = 2", "check_interval = -1"));
    Map<String, String> before = tree();
    actions.systemctl.clear();

    assertThatThrownBy(() -> installer().uninstall(false))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining("uninstall changed nothing")
        .hasMessageContaining("check_interval")
        .hasMessageContaining("--force")
        .hasMessageContaining("[101]");
    assertThat(tree()).isEqualTo(before);
    assertThat(actions.systemctl).isEmpty();
    assertThat(actions.removedRoutesOf).isEmpty();
    assertThat(actions.removedLeftBehind).isEmpty();
  }

  @Test
  void uninstall_invalidInstalledConfigForced_removesRoutesByProtocolAndTheFiles()
      throws Exception {
    Map<String, String> before = tree();
    installer().install(options(Optional.of(config), false));
    writeInstalledConfig("this is = not toml [");

    installer().uninstall(false, true);

    assertThat(actions.removedLeftBehind).containsExactly(List.of(101));
    assertThat(actions.removedRoutesOf).isEmpty();
    assertThat(actions.systemctl).contains(List.of("disable", "--now", "failover.service"));
    assertThat(tree()).isEqualTo(before);
  }

  @Test
  void uninstall_missingInstalledConfig_refusesUnlessForced() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.delete(root.resolve(Installer.CONFIG_PATH));

    assertThatThrownBy(() -> installer().uninstall(false))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining("it cannot be read");
    assertThat(root.resolve(Installer.JAR_PATH)).exists();
  }

  @Test
  void install_aNewFileCannotGoWhereTheConfigSays_leavesThePreviousInstallWhole() throws Exception {
    installer().install(options(Optional.of(config), false));
    Files.createDirectories(root.resolve("opt"));
    Files.writeString(root.resolve("opt/blocked"), "a file where a folder must go");
    Path other =
        Files.writeString(
            work.resolve("other.toml"),
            "rt_tables_file = \"/opt/blocked/rt_tables.d/failover.conf\"\n" + CONFIG);
    Map<String, String> before = tree();
    actions.systemctl.clear();

    assertThatThrownBy(() -> installer().install(options(Optional.of(other), true)))
        .hasMessageContaining("rt_tables_file")
        .hasMessageContaining("Not a directory");
    assertThat(tree()).isEqualTo(before);
    assertThat(actions.systemctl).isEmpty();
  }

  @Test
  void install_movedRtTablesFile_removesTheOldOne() throws Exception {
    installer().install(options(Optional.of(config), false));
    Path other =
        Files.writeString(
            work.resolve("other.toml"),
            "rt_tables_file = \"/etc/iproute2/rt_tables.d/uplinks.conf\"\n" + CONFIG);

    installer().install(options(Optional.of(other), true));

    assertThat(root.resolve("etc/iproute2/rt_tables.d/failover.conf")).doesNotExist();
    assertThat(root.resolve("etc/iproute2/rt_tables.d/uplinks.conf")).content().contains("101");
  }

  /** Issue 15: --root was a lexical prefix check, so a symbolic link inside the root escaped it. */
  @Test
  void install_folderUnderTheRootLinksOutside_isRefusedAndNothingWrittenOutside() throws Exception {
    Path outside = Files.createDirectories(work.resolve("outside"));
    Files.createSymbolicLink(root.resolve("etc"), outside);

    assertThatThrownBy(() -> installer().install(options(Optional.of(config), false)))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining("leaves the root " + root.toRealPath())
        .hasMessageContaining("through a symbolic link");
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void uninstall_folderUnderTheRootLinksOutside_isRefusedAndNothingRemovedOutside()
      throws Exception {
    installer().install(options(Optional.of(config), false));
    Path outside = Files.createDirectories(work.resolve("outside/iproute2/rt_tables.d"));
    Files.writeString(outside.resolve("failover.conf"), RoutingTableNamesHeader.TEXT);
    Path tables = root.resolve("etc/iproute2");
    deleteTree(tables);
    Files.createSymbolicLink(tables, work.resolve("outside/iproute2"));

    assertThatThrownBy(() -> installer().uninstall(false))
        .isInstanceOf(InstallRefusedException.class)
        .hasMessageContaining("through a symbolic link");
    assertThat(outside.resolve("failover.conf")).exists();
    assertThat(root.resolve(Installer.JAR_PATH)).exists();
  }

  @Test
  void installer_rootThroughASymbolicLink_worksOnTheRealRoot() throws Exception {
    Path link = Files.createSymbolicLink(work.resolve("root-link"), root);

    new Installer(link, new PrintWriter(output, true), actions, loader)
        .install(options(Optional.of(config), false));

    assertThat(root.resolve(Installer.JAR_PATH)).exists();
  }

  private static void deleteTree(Path folder) throws IOException {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** The header of the routing-table names files, as failover-linux writes it. */
  private static final class RoutingTableNamesHeader {
    static final String TEXT = dev.failover.linux.RoutingTableNames.HEADER + "101 isp1\n";
  }

  /** Records what would touch systemd and the kernel. */
  private static final class RecordingActions implements SystemActions {
    final List<List<String>> systemctl = new ArrayList<>();
    final List<List<String>> removedRoutesOf = new ArrayList<>();
    final List<List<Integer>> removedLeftBehind = new ArrayList<>();
    boolean runsSystemctl = true;
    boolean removesRoutes = true;

    @Override
    public boolean runsSystemctl() {
      return runsSystemctl;
    }

    @Override
    public boolean removesRoutes() {
      return removesRoutes;
    }

    @Override
    public void systemctl(List<String> arguments, boolean mayFail) {
      systemctl.add(List.copyOf(arguments));
    }

    @Override
    public void removeRoutes(FailoverConfig config) {
      removedRoutesOf.add(config.providerIds());
    }

    @Override
    public void removeRoutesLeftBehind(List<Integer> tables) {
      removedLeftBehind.add(List.copyOf(tables));
    }
  }

  /** A {@code ping} type that reads {@code target}, for the example config. */
  private static final class PingLike implements dev.failover.api.TestScenarioFactory {
    @Override
    public String type() {
      return "ping";
    }

    @Override
    public dev.failover.api.TestScenario create(dev.failover.api.ScenarioSettings settings) {
      return new dev.failover.testkit.FakeTestScenario("ping " + settings.string("target"));
    }
  }
}
