package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins load only from a folder and jars that root alone may change (issue 15: a jar in a
 * world-writable {@code plugins_dir} ran its static initialiser as root). The tests run as root
 * and so cannot make files owned by someone else: they pass another trusted uid instead, or give
 * the files modes that let others write.
 */
class PluginJarsTest {
  @TempDir Path dir;

  private Path plugins;
  private int uid;

  @BeforeEach
  void setUp() throws IOException {
    plugins = Files.createDirectory(dir.resolve("plugins"));
    uid = (Integer) Files.getAttribute(plugins, "unix:uid");
    InitMarkingFactory.Marks.ran = false;
  }

  private Path pluginJar(String name, String factoryClass) throws IOException {
    Path jar = plugins.resolve(name);
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("META-INF/services/dev.failover.api.TestScenarioFactory"));
      out.write((factoryClass + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
    return jar;
  }

  @Test
  void trusted_ownedAndNotWritableByOthers_listsTheJarsInNameOrder() throws Exception {
    Path b = pluginJar("b.jar", PluginOnlyFactory.class.getName());
    Path a = pluginJar("a.jar", PluginOnlyFactory.class.getName());
    Files.writeString(plugins.resolve("notes.txt"), "not a jar");

    assertThat(PluginJars.trusted(plugins, uid)).containsExactly(a, b);
  }

  @Test
  void trusted_missingFolder_holdsNone() {
    assertThat(PluginJars.trusted(plugins.resolve("absent"), uid)).isEmpty();
  }

  @Test
  void trusted_jarWritableByOthers_isRefusedWithThePathAndTheReason() throws Exception {
    Path jar = pluginJar("evil.jar", PluginOnlyFactory.class.getName());
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--rw-"));

    assertThatThrownBy(() -> PluginJars.trusted(plugins, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("plugins_dir " + plugins + " is refused, so no plugin is loaded")
        .hasMessageContaining("plugin jar " + jar + " is writable by group or others (mode 0646)")
        .hasMessageContaining("chmod go-w");
  }

  @Test
  void trusted_jarWritableByGroup_isRefused() throws Exception {
    Path jar = pluginJar("group.jar", PluginOnlyFactory.class.getName());
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-r--"));

    assertThatThrownBy(() -> PluginJars.trusted(plugins, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plugin jar " + jar + " is writable by group or others (mode 0664)");
  }

  @Test
  void trusted_folderWritableByOthers_isRefused() throws Exception {
    pluginJar("good.jar", PluginOnlyFactory.class.getName());
    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xrwx"));

    assertThatThrownBy(() -> PluginJars.trusted(plugins, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plugins_dir " + plugins + " is writable by group or others");
  }

  @Test
  void trusted_folderWorldWritableWithStickyBit_isStillRefused() throws Exception {
    // The sticky bit helps a folder above (/tmp), not the plugins folder: anyone may add a jar.
    Files.setAttribute(plugins, "unix:mode", 01777);

    assertThatThrownBy(() -> PluginJars.trusted(plugins, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is writable by group or others (mode 1777)");
  }

  @Test
  void trusted_folderAboveWritableByOthers_isRefused() throws Exception {
    Path above = Files.createDirectory(dir.resolve("above"));
    Path inner = Files.createDirectory(above.resolve("plugins"));
    Files.setPosixFilePermissions(above, PosixFilePermissions.fromString("rwxrwxrwx"));

    assertThatThrownBy(() -> PluginJars.trusted(inner, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "the folder above plugins_dir " + above + " is writable by group or others");
  }

  @Test
  void trusted_ownedBySomeoneElse_isRefusedNamingTheOwner() throws Exception {
    Path jar = pluginJar("mine.jar", PluginOnlyFactory.class.getName());
    int other = uid + 4242;

    assertThatThrownBy(() -> PluginJars.trusted(plugins, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plugins_dir " + plugins + " is owned by uid " + uid
            + ", not by uid " + other);
    // With the folder itself trusted, the jar is refused for its owner.
    Files.setAttribute(plugins, "unix:uid", other);
    try {
      assertThatThrownBy(() -> PluginJars.trusted(plugins, other))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("plugin jar " + jar + " is owned by uid " + uid);
    } finally {
      Files.setAttribute(plugins, "unix:uid", uid);
    }
  }

  @Test
  void trusted_linkToAJarWritableByOthers_isRefused() throws Exception {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path target = elsewhere.resolve("real.jar");
    Files.writeString(target, "");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.createSymbolicLink(plugins.resolve("link.jar"), target);

    assertThatThrownBy(() -> PluginJars.trusted(plugins, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plugin jar " + target + " is writable by group or others");
  }

  @Test
  void load_refusedJar_runsNoPluginCode() throws Exception {
    Path jar = pluginJar("marking.jar", InitMarkingFactory.class.getName());
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));

    assertThatThrownBy(() -> ScenarioFactories.load(plugins, uid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plugins_dir");
    assertThat(InitMarkingFactory.Marks.ran).isFalse();
  }

  @Test
  void load_trustedJar_loadsItsType() throws Exception {
    pluginJar("plugin.jar", InitMarkingFactory.class.getName());

    try (ScenarioFactories factories = ScenarioFactories.load(plugins, uid)) {
      assertThat(factories.types()).contains("marking");
    }
    assertThat(InitMarkingFactory.Marks.ran).isTrue();
  }

  @Test
  void configLoader_worldWritablePluginsDir_isAProblemOfPluginsDir() throws Exception {
    pluginJar("marking.jar", InitMarkingFactory.class.getName());
    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
    String toml =
        "plugins_dir = \"" + plugins + "\"\n"
            + "[[providers]]\nid = \"isp1\"\ninterface_name = \"eth1\"\n"
            + "ipv4_address = \"192.168.1.2\"\nnetwork = \"192.168.1.0/24\"\n"
            + "gateway = \"192.168.1.1\"\nrt_table_name = \"isp1\"\nrt_table_id = 101\n"
            + "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";

    assertThatThrownBy(() -> new ConfigLoader(d -> ScenarioFactories.load(d, uid)).parse(toml,
            dir))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("plugins_dir " + plugins + " is refused");
    assertThat(InitMarkingFactory.Marks.ran).isFalse();
  }
}
