package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules for the paths a config names (issue 15): where each may live, and what may be there.
 * One test per rule; each message names the key, the rule and the value.
 */
class ConfigPathsTest {
  private static final String PROVIDER =
      "[[providers]]\n"
          + "id = \"isp1\"\n"
          + "interface_name = \"eth1\"\n"
          + "ipv4_address = \"192.168.1.2\"\n"
          + "network = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\n"
          + "rt_table_name = \"isp1\"\n"
          + "rt_table_id = 101\n"
          + "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";

  @TempDir Path dir;

  private final ConfigLoader loader = new ConfigLoader(folder -> FakeScenarioFactory.factories());

  private String problem(String topLevel) {
    InvalidConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidConfigException.class,
            () -> loader.parse(topLevel + "\n" + PROVIDER, Path.of("/etc/failover")));
    return e.getMessage();
  }

  /** Loads a config file in the scratch folder, as the daemon and the commands do. */
  private FailoverConfig load(String topLevel) throws InvalidConfigException, IOException {
    Path file =
        Files.writeString(
            dir.resolve("failover.toml"),
            "status_file = \"" + dir.resolve("status.json") + "\"\n" + topLevel + "\n" + PROVIDER);
    return loader.load(file);
  }

  private String loadProblem(String topLevel) {
    InvalidConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidConfigException.class, () -> load(topLevel));
    return e.getMessage();
  }

  @Test
  void rtTablesFile_systemFile_isRefused() {
    assertThat(problem("rt_tables_file = \"/etc/passwd\""))
        .contains("rt_tables_file must be a .conf file in an rt_tables.d folder")
        .contains("rt_tables_file must lie in one of failover's folders")
        .contains("was /etc/passwd");
  }

  @Test
  void rtTablesFile_confOutsideRtTablesD_isRefused() {
    assertThat(problem("rt_tables_file = \"/tmp/names.conf\""))
        .contains("rt_tables_file must be a .conf file in an rt_tables.d folder")
        .contains("was /tmp/names.conf");
  }

  @Test
  void rtTablesFile_theDistributionsFolder_isAccepted() throws Exception {
    assertThat(load("rt_tables_file = \"/etc/iproute2/rt_tables.d/uplinks.conf\"").rtTablesFile())
        .isEqualTo(Path.of("/etc/iproute2/rt_tables.d/uplinks.conf"));
  }

  @Test
  void stickyProviderFilename_systemFile_isRefused() {
    assertThat(problem("sticky_provider_filename = \"/etc/shadow\""))
        .contains("sticky_provider_filename must lie in one of failover's folders")
        .contains("was /etc/shadow");
  }

  @Test
  void statusFile_systemFile_isRefused() {
    assertThat(problem("status_file = \"/usr/lib/os-release\""))
        .contains("status_file must lie in one of failover's folders")
        .contains("was /usr/lib/os-release");
  }

  @Test
  void pluginsDir_vendorFolder_isRefused() {
    assertThat(problem("plugins_dir = \"/usr/share/java\""))
        .contains("plugins_dir must lie in one of failover's folders")
        .contains("was /usr/share/java");
  }

  @Test
  void hooksDir_systemBinaries_isRefused() {
    assertThat(problem("hooks_dir = \"/usr/bin\""))
        .contains("hooks_dir must lie in one of failover's folders")
        .contains("was /usr/bin");
  }

  @Test
  void keepalivedTrackFile_systemFile_isRefused() {
    assertThat(problem("keepalived_track_file = \"/etc/hostname\""))
        .contains("keepalived_track_file must lie in one of failover's folders")
        .contains("was /etc/hostname");
  }

  @Test
  void ownFolderItself_isRefused() {
    assertThat(problem("status_file = \"/run/failover\""))
        .contains("status_file must not be a system folder itself, was /run/failover");
  }

  @Test
  void stickyProviderFilename_theInstalledConfig_isRefused() {
    assertThat(problem("sticky_provider_filename = \"failover.toml\""))
        .contains(
            "sticky_provider_filename must not name a file that install puts in place, was"
                + " /etc/failover/failover.toml");
  }

  @Test
  void twoKeys_sameFile_isRefused() {
    assertThat(
            problem(
                "status_file = \"/run/failover/x.json\"\n"
                    + "keepalived_track_file = \"/run/failover/x.json\""))
        .contains(
            "keepalived_track_file must name another file than status_file, was"
                + " /run/failover/x.json");
  }

  @Test
  void defaults_areAccepted() throws Exception {
    FailoverConfig config = loader.parse(PROVIDER, Path.of("/etc/failover"));

    assertThat(config.stickyProviderFilename()).isEqualTo(Path.of("/etc/failover/sticky.provider"));
  }

  @Test
  void load_stickyFileIsASymbolicLink_isRefused() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "isp1");
    Files.createSymbolicLink(dir.resolve("sticky.provider"), secret);

    assertThat(loadProblem(""))
        .contains("sticky_provider_filename must not be a symbolic link")
        .contains("was " + dir.resolve("sticky.provider") + " -> " + secret);
  }

  @Test
  void load_folderThroughALinkIntoASystemFolder_isRefused() throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("etc-link"), Path.of("/etc"));

    assertThat(loadProblem("sticky_provider_filename = \"" + link.resolve("passwd") + "\""))
        .contains("sticky_provider_filename must not reach a system folder through a symbolic link")
        .contains("which is /etc/passwd");
  }

  @Test
  void load_statusFileIsSomeoneElsesFile_isRefused() throws Exception {
    Files.writeString(dir.resolve("status.json"), "my notes\n");

    assertThat(loadProblem(""))
        .contains("status_file must name a status file failover wrote, or no file yet")
        .contains("was " + dir.resolve("status.json"));
  }

  @Test
  void load_statusFileIsAFolder_isRefused() throws Exception {
    Files.createDirectory(dir.resolve("status.json"));

    assertThat(loadProblem(""))
        .contains("status_file must be a regular file, was " + dir.resolve("status.json"))
        .contains("(a folder)");
  }

  @Test
  void load_trackFileHoldsSomethingElse_isRefused() throws Exception {
    Path track = Files.writeString(dir.resolve("uplink"), "important data\n");

    assertThat(loadProblem("keepalived_track_file = \"" + track + "\""))
        .contains("keepalived_track_file must name a track file failover wrote (0 or 1)")
        .contains("was " + track);
  }

  @Test
  void load_trackFileFailoverWrote_isAccepted() throws Exception {
    Path track = Files.writeString(dir.resolve("uplink"), "0\n");

    assertThat(load("keepalived_track_file = \"" + track + "\"").keepalivedTrackFile())
        .contains(track);
  }

  @Test
  void load_hooksDirIsAFile_isRefused() throws Exception {
    Path hooks = Files.writeString(dir.resolve("hooks"), "x");

    assertThat(loadProblem("hooks_dir = \"" + hooks + "\""))
        .contains("hooks_dir must be a folder, was " + hooks);
  }

  @Test
  void load_statusFileFailoverWrote_isAccepted() throws Exception {
    Files.writeString(dir.resolve("status.json"), "{\n  \"format\" : 1,\n  \"running\" : true\n}");

    assertThat(load("").statusFile()).isEqualTo(dir.resolve("status.json"));
  }

  @Test
  void checkOnDisk_underARoot_checksThePlaceThere() throws Exception {
    FailoverConfig config = loader.parse(PROVIDER, Path.of("/etc/failover"));
    Files.createDirectories(dir.resolve("etc/failover"));
    Files.createDirectory(dir.resolve("etc/failover/sticky.provider"));

    assertThatThrownBy(
            () -> ConfigPaths.checkOnDisk(config, p -> dir.resolve(Path.of("/").relativize(p))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("sticky_provider_filename must be a regular file");
  }
}
