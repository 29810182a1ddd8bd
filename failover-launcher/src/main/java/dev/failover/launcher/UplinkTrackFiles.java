package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.core.FailoverEngine;
import java.util.Map;

/**
 * The keepalived track files of both address families ({@link UplinkTrackFile}), which the daemon
 * attaches to its engines at start: each file to its own family's engine, so that IPv6 going down
 * never moves the IPv4 virtual address (see {@link UplinkTrackFile}). Thread-safe.
 */
final class UplinkTrackFiles {
  private final UplinkTrackFile ipv4;
  private final UplinkTrackFile ipv6;

  UplinkTrackFiles(UplinkTrackFile ipv4, UplinkTrackFile ipv6) {
    this.ipv4 = checkNotNull(ipv4, "ipv4");
    this.ipv6 = checkNotNull(ipv6, "ipv6");
  }

  /**
   * Starts publishing the status of each engine of {@code engines} in its family's file. A family
   * without an engine has no file: the config refuses {@code keepalived_track_file_ipv6} when no
   * provider has IPv6.
   */
  void attach(Map<AddressFamily, FailoverEngine> engines) {
    engines.forEach(
        (family, engine) -> (family == AddressFamily.IPV4 ? ipv4 : ipv6).attach(engine::status));
  }
}
