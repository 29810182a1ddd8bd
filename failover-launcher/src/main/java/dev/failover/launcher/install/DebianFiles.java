package dev.failover.launcher.install;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.launcher.cli.FailoverCommand;
import dev.failover.linux.NetlinkRouteBackendSettings;
import dev.failover.linux.RoutingTableNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes the files of the Debian package that come from the code, so that the package and {@code
 * failover install} share one source for each: the systemd unit ({@link SystemdUnit#render}), the
 * {@code /usr/bin/failover} launcher with the unit's {@link SystemdUnit#JVM_FLAGS}, the route
 * protocol's name, the example config, and the man page made from {@code --help}.
 *
 * <p>Run by the {@code failover-deb} module's build ({@code main OUTPUT_FOLDER VERSION}); the
 * Debian-only files (control, maintainer scripts, copyright) are in that module. Compressed files
 * are gzipped without a name or time stamp ({@code gzip -9n}), as Debian policy asks, so builds are
 * reproducible.
 */
public final class DebianFiles {
  /** Where the package puts the jar. */
  public static final Path JAR = Path.of("/usr/share/failover/failover.jar");

  /** Where the package puts the config (a conffile). */
  public static final Path CONFIG = Path.of("/etc/failover/failover.toml");

  /** The java the unit runs: Debian's alternatives link to the default runtime. */
  public static final Path JAVA = Path.of("/usr/bin/java");

  private DebianFiles() {}

  /**
   * Writes the files into {@code args[0]}, for version {@code args[1]}; the documents named by the
   * other arguments are copied in gzipped ({@code operations.md} becomes {@code operations.md.gz}).
   */
  public static void main(String[] args) throws IOException {
    checkArgument(args.length >= 2, "usage: DebianFiles OUTPUT_FOLDER VERSION [DOCUMENT...]");
    Path folder = Path.of(args[0]);
    write(folder, args[1]);
    for (int i = 2; i < args.length; i++) {
      Path document = Path.of(args[i]);
      gzip(
          folder.resolve(document.getFileName() + ".gz"),
          Files.readString(document, StandardCharsets.UTF_8));
    }
  }

  /**
   * Writes {@code failover.service}, {@code failover} (the launcher), {@code rt_protos.conf},
   * {@code failover.toml}, {@code failover.1.gz} and {@code changelog.gz} into {@code folder}.
   */
  public static void write(Path folder, String version) throws IOException {
    checkNotNull(folder, "folder");
    checkNotNull(version, "version");
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("failover.service"), unit(), StandardCharsets.UTF_8);
    Files.writeString(folder.resolve("failover"), launcher(), StandardCharsets.UTF_8);
    Files.writeString(
        folder.resolve("rt_protos.conf"),
        "# The route protocol of failover's routes, so that 'ip route' shows 'proto failover'.\n"
            + NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL
            + " "
            + RoutingTableNames.PROTOCOL_NAME
            + "\n",
        StandardCharsets.UTF_8);
    try (InputStream example =
        DebianFiles.class.getResourceAsStream(Installer.EXAMPLE_CONFIG_RESOURCE)) {
      checkNotNull(example, "the example config is missing from the jar");
      Files.write(folder.resolve("failover.toml"), example.readAllBytes());
    }
    gzip(folder.resolve("failover.1.gz"), manPage(version));
    gzip(
        folder.resolve("changelog.gz"),
        "failover ("
            + version
            + ") unstable; urgency=medium\n\n"
            + "  * Built from the failover sources; the project's history holds the changes.\n\n"
            + " -- failover maintainers <dev@failover.invalid>  Sun, 06 Dec 2026 00:00:00 +0000\n");
  }

  /** The unit, as {@code install} writes it, for the package's paths. */
  static String unit() {
    return SystemdUnit.render(
        "# Installed by the failover package. Override settings with 'systemctl edit failover'.",
        JAVA,
        JAR,
        CONFIG);
  }

  /**
   * {@code /usr/bin/failover}: runs the jar next to it ({@code ../share/failover/}, so it also runs
   * from an unpacked package) with the unit's JVM flags, so that {@code failover run} typed by hand
   * costs what the service costs. {@code $JAVA} picks another java; {@code $FAILOVER_JAVA_OPTS}
   * adds flags (after the unit's, so they win).
   */
  static String launcher() {
    return String.join(
        "\n",
        "#!/bin/sh",
        "# failover: runs failover.jar with the JVM flags of the systemd unit (failover.service),",
        "# so that 'failover run' by hand costs what the service costs. See failover(1).",
        "# JAVA=... picks another java; FAILOVER_JAVA_OPTS=... adds JVM flags.",
        "here=$(dirname \"$0\")",
        "jar=\"$here/../share/failover/failover.jar\"",
        "[ -f \"$jar\" ] || jar=" + JAR,
        "# shellcheck disable=SC2086",
        "exec \"${JAVA:-java}\" "
            + String.join(" ", SystemdUnit.JVM_FLAGS)
            + " $FAILOVER_JAVA_OPTS -jar \"$jar\" \"$@\"",
        "");
  }

  /** A man page: the command's {@code --help}, each subcommand's, files and see-also. */
  static String manPage(String version) {
    StringBuilder page = new StringBuilder();
    page.append(".TH FAILOVER 1 \"\" \"failover ")
        .append(version.replace("\\", "").replace("-", "\\-").replace("\"", ""))
        .append("\" \"User Commands\"\n");
    page.append(".SH NAME\n");
    page.append("failover \\- keeps a Linux router online across several internet uplinks\n");
    page.append(".SH SYNOPSIS\n");
    page.append(".B failover\n.I command\n[\\fIoptions\\fR]\n");
    page.append(".SH DESCRIPTION\n");
    page.append(
        "failover checks every uplink through itself and gives the best reliable one the"
            + " lowest-metric default route. It runs as the systemd service failover.service;"
            + " the commands below inspect and steer it.\n");
    page.append(".PP\n.nf\n").append(roff(help())).append(".fi\n");
    for (String command :
        List.of("run", "check-config", "status", "sticky", "install", "uninstall", "demo")) {
      page.append(".SS ").append(command).append("\n.nf\n");
      page.append(roff(help(command, "--help"))).append(".fi\n");
    }
    page.append(".SH FILES\n");
    page.append(".TP\n.I /etc/failover/failover.toml\nthe configuration\n");
    page.append(".TP\n.I /run/failover/status.json\nthe daemon's status, read by status\n");
    page.append(".TP\n.I /usr/share/failover/failover.jar\nthe program\n");
    page.append(".SH SEE ALSO\n");
    page.append(".BR systemctl (1),\n.BR journalctl (1),\n.BR ip\\-route (8);\n");
    page.append("/usr/share/doc/failover/operations.md.gz and configuration.md.gz\n");
    return page.toString();
  }

  private static String help(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] command = args.length == 0 ? new String[] {"--help"} : args;
    FailoverCommand.execute(command, new PrintWriter(out), new PrintWriter(err));
    return out.toString();
  }

  /** {@code text} safe in roff: backslashes doubled, a leading dot or quote escaped. */
  private static String roff(String text) {
    StringBuilder escaped = new StringBuilder();
    for (String line : text.replace("\\", "\\e").split("\n", -1)) {
      if (line.startsWith(".") || line.startsWith("'")) {
        escaped.append("\\&");
      }
      escaped.append(line.replace("-", "\\-")).append('\n');
    }
    return escaped.toString().replaceAll("\n+$", "\n");
  }

  /**
   * Writes {@code text} gzipped as {@code gzip -9n} does: no file name, a zero time stamp, maximum
   * compression, and a header that says so (extra flags 2, OS 3 = Unix), which lintian checks. The
   * JDK's {@code GZIPOutputStream} writes extra flags 0 whatever the level.
   */
  static void gzip(Path file, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    CRC32 crc = new CRC32();
    crc.update(data);
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 2, 3});
      try (DeflaterOutputStream deflated =
          new DeflaterOutputStream(new NonClosing(out), deflater, 8192)) {
        deflated.write(data);
      }
      ByteBuffer trailer = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      trailer.putInt((int) crc.getValue()).putInt(data.length);
      out.write(trailer.array());
    } finally {
      deflater.end();
    }
  }

  /** Lets the deflating stream finish without closing the file under it. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
