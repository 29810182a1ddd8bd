package dev.failover.launcher.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version printed by {@code --version}, from the build's {@code version.properties}. */
final class VersionProvider implements CommandLine.IVersionProvider {
  private static final String RESOURCE = "/dev/failover/launcher/version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {
      "failover " + version(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
    };
  }

  /** The project version, or {@code unknown} when run from a build without the resource. */
  static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
