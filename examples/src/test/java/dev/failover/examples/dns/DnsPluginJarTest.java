package dev.failover.examples.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that the DNS scenario works as a dropped-in plugin jar: a class loader that sees only
 * failover-api and the jar finds the factory through {@link ServiceLoader}, as the launcher's
 * plugins folder does.
 */
class DnsPluginJarTest {

  @Test
  void serviceLoader_pluginJarOnly_findsDnsFactory(@TempDir Path dir) throws Exception {
    Path classes = Path.of(DnsScenarioFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = dir.resolve("failover-dns-plugin.jar");
    writeJar(classes, jar);
    URL api =
        dev.failover.api.TestScenarioFactory.class.getProtectionDomain().getCodeSource().getLocation();

    try (URLClassLoader apiLoader = new URLClassLoader(new URL[] {api}, ClassLoader.getPlatformClassLoader());
        URLClassLoader pluginLoader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, apiLoader)) {
      Class<?> factoryType = apiLoader.loadClass("dev.failover.api.TestScenarioFactory");
      List<String> types = new ArrayList<>();
      for (Object factory : ServiceLoader.load(factoryType, pluginLoader)) {
        types.add((String) factoryType.getMethod("type").invoke(factory));
        assertThat(factory.getClass().getClassLoader()).isSameAs(pluginLoader);
      }

      assertThat(types).containsExactly("dns");
    }
  }

  private static void writeJar(Path classes, Path jar) throws IOException {
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file);
        Stream<Path> tree = Files.walk(classes)) {
      for (Path path : (Iterable<Path>) tree.filter(Files::isRegularFile)::iterator) {
        out.putNextEntry(new JarEntry(classes.relativize(path).toString().replace('\\', '/')));
        Files.copy(path, out);
        out.closeEntry();
      }
    }
  }
}
