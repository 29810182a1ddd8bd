package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names the providers' routing tables, and the backend's route protocol, for iproute2: writes
 * {@code /etc/iproute2/rt_tables.d/failover.conf} ({@code ID NAME} lines) and {@code
 * /etc/iproute2/rt_protos.d/failover.conf}, so that {@code ip route show table isp-a} works and
 * {@code ip route} prints {@code proto failover}. The distribution's own files are never edited.
 *
 * <p>An install step, idempotent: a file whose content is already right is not rewritten. Files are
 * replaced atomically (written beside, then moved). The paths are configurable for tests. Not
 * thread-safe; the install command runs once.
 */
public final class RoutingTableNames {
  private static final Logger logger = LoggerFactory.getLogger(RoutingTableNames.class);

  /** Where iproute2 reads extra table names from. */
  public static final Path DEFAULT_TABLES_FILE = Path.of("/etc/iproute2/rt_tables.d/failover.conf");

  /** Where iproute2 reads extra route protocol names from. */
  public static final Path DEFAULT_PROTOCOLS_FILE = Path.of("/etc/iproute2/rt_protos.d/failover.conf");

  /** The name given to the backend's route protocol number. */
  public static final String PROTOCOL_NAME = "failover";

  /**
   * The first line of both files: install replaces, and uninstall removes, only a file that starts
   * with it, so that a path in the config never makes failover overwrite a file it did not write.
   */
  public static final String HEADER = "# Written by failover's install command; removed by uninstall.\n";

  private final Path tablesFile;
  private final Path protocolsFile;

  /** Names in the standard places. */
  public RoutingTableNames() {
    this(DEFAULT_TABLES_FILE, DEFAULT_PROTOCOLS_FILE);
  }

  /** Names in {@code tablesFile} and {@code protocolsFile} (for tests). */
  public RoutingTableNames(Path tablesFile, Path protocolsFile) {
    this.tablesFile = checkNotNull(tablesFile, "tablesFile");
    this.protocolsFile = checkNotNull(protocolsFile, "protocolsFile");
  }

  /** The content of the tables file for {@code providers}: a header, then {@code ID NAME} by id. */
  public static String tablesContent(List<Provider> providers) {
    StringBuilder text = new StringBuilder(HEADER);
    providers.stream()
        .sorted(Comparator.comparingInt(Provider::rtTableId))
        .forEach(p -> text.append(p.rtTableId()).append(' ').append(p.rtTableName()).append('\n'));
    return text.toString();
  }

  /** The content of the protocols file: a header, then {@code NUMBER failover}. */
  public static String protocolsContent(int routeProtocol) {
    return HEADER + routeProtocol + " " + PROTOCOL_NAME + "\n";
  }

  /**
   * Writes both files unless they already hold the right content.
   *
   * @return whether a file was written
   * @throws IllegalArgumentException if two providers share a table id or name, or the protocol is
   *     outside 1..255
   * @throws IOException if a file could not be written
   */
  public boolean install(List<Provider> providers, int routeProtocol) throws IOException {
    checkNotNull(providers, "providers");
    checkArgument(routeProtocol >= 1 && routeProtocol <= 255, "routeProtocol must be 1 to 255, was %s",
        routeProtocol);
    checkArgument(providers.stream().map(Provider::rtTableId).distinct().count() == providers.size(),
        "providers must have distinct rt_table_id values, were %s",
        providers.stream().map(Provider::rtTableId).toList());
    checkArgument(providers.stream().map(Provider::rtTableName).distinct().count() == providers.size(),
        "providers must have distinct rt_table_name values, were %s",
        providers.stream().map(Provider::rtTableName).toList());
    boolean tables = writeIfChanged(tablesFile, tablesContent(providers));
    boolean protocols = writeIfChanged(protocolsFile, protocolsContent(routeProtocol));
    return tables || protocols;
  }

  /**
   * Deletes both files, if present.
   *
   * @return whether a file was deleted
   * @throws IOException if a file could not be deleted
   */
  public boolean uninstall() throws IOException {
    boolean tables = Files.deleteIfExists(tablesFile);
    boolean protocols = Files.deleteIfExists(protocolsFile);
    if (tables || protocols) {
      logger.info("removed {} and {}", tablesFile, protocolsFile);
    }
    return tables || protocols;
  }

  private static boolean writeIfChanged(Path file, String content) throws IOException {
    if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).equals(content)) {
      return false;
    }
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      // iproute2 run by any user reads it; the temporary file starts as 0600.
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    logger.info("wrote {}", file);
    return true;
  }
}
