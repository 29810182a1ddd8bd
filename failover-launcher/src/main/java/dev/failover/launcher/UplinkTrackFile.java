package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.config.ConfigPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes whether this router has a usable uplink of one address family in a keepalived track
 * file, for keepalived's {@code track_file}: {@value #USABLE} while at least one provider is
 * selectable in that family (its policy finds it reliable and its link is usable), {@value #NONE}
 * while none is. With {@code weight 0} keepalived puts the VRRP instance in FAULT on {@code 1}, so
 * the router gives the LAN's virtual gateway address to its partner (docs/operations.md, "Two
 * routers with keepalived").
 *
 * <p>One per family (issue 16), each following its family's engine only: {@code
 * keepalived_track_file} the IPv4 engine, exactly as before IPv6, and {@code
 * keepalived_track_file_ipv6} the IPv6 engine, for the VRRP instance of the IPv6 virtual addresses
 * (keepalived keeps IPv4 and IPv6 virtual addresses in separate instances). A router whose IPv6
 * broke while its IPv4 works keeps its IPv4 instance: were the IPv4 file to follow IPv6 too, both
 * routers losing IPv6 through a shared upstream would both go FAULT, and the LAN would lose IPv4
 * with IPv6.
 *
 * <p>After every event of its engine (a round recorded, a state change, a switch, an apply), a
 * check is queued on the tick thread, so it runs once that tick or decision is over and its status
 * is stored; checks queued while one is pending merge into it. The file is written only when the
 * answer changes, and only from the engine's first decision on: before it, the file keeps what the
 * last run wrote ({@code RuntimeDirectoryPreserve=yes} keeps it across a restart, so a restart or a
 * reload does not move the address; keepalived's {@code init_file} sets a first value). The file is
 * written in place ({@code 0} or {@code 1} and a line break, one small write), which keepalived's
 * inotify watch reads at once. At stop the file stays, as the routes do.
 *
 * <p>A file that cannot be written is logged at ERROR once per run of failures. Thread-safe.
 */
final class UplinkTrackFile implements FailoverListener {
  private static final Logger logger = LoggerFactory.getLogger(UplinkTrackFile.class);

  /** What the file holds while this router has a usable uplink. */
  static final String USABLE = "0";

  /** What the file holds while it has none. */
  static final String NONE = "1";

  private final AddressFamily family;
  private final Optional<Path> file;
  private final Executor tickThread;
  private final AtomicBoolean pending = new AtomicBoolean();
  private volatile @Nullable Supplier<EngineStatus> status;
  // Tick thread only.
  private @Nullable String written;
  private boolean failing;

  /**
   * The track file of {@code family} at {@code file} (none if empty), written on {@code
   * tickThread}.
   */
  UplinkTrackFile(AddressFamily family, Optional<Path> file, Executor tickThread) {
    this.family = checkNotNull(family, "family");
    this.file = checkNotNull(file, "file");
    this.tickThread = checkNotNull(tickThread, "tickThread");
  }

  /** {@code keepalived_track_file} or {@code keepalived_track_file_ipv6}, for logs. */
  private String key() {
    return family == AddressFamily.IPV4 ? "keepalived_track_file" : "keepalived_track_file_ipv6";
  }

  /** Starts publishing {@code status}, its family's engine's; called once the daemon starts. */
  void attach(Supplier<EngineStatus> status) {
    this.status = checkNotNull(status, "status");
    file.ifPresent(f -> logger.info("{} {}: 0 = usable {} uplink, 1 = none", key(), f, family));
  }

  @Override
  public void onRoundRecorded(Provider provider, ProbeRound round) {
    queueCheck();
  }

  @Override
  public void onProviderStateChanged(ProviderStateChanged event) {
    queueCheck();
  }

  @Override
  public void onMainProviderSwitched(MainProviderSwitched event) {
    queueCheck();
  }

  @Override
  public void onRoutesApplied(RoutingState desired, ApplyOutcome outcome) {
    queueCheck();
  }

  @Override
  public void onApplyFailed(RoutingState desired, RouteBackendException failure) {
    queueCheck();
  }

  private void queueCheck() {
    if (file.isEmpty() || status == null || !pending.compareAndSet(false, true)) {
      return;
    }
    try {
      tickThread.execute(this::check);
    } catch (RejectedExecutionException e) {
      // The daemon is stopping; the file keeps its last value, as the routes do.
      pending.set(false);
    }
  }

  /** Writes the file if the answer changed; on the tick thread. */
  void check() {
    pending.set(false);
    Supplier<EngineStatus> source = status;
    if (file.isEmpty() || source == null) {
      return;
    }
    EngineStatus now = source.get();
    if (now.mainProvider().isEmpty()) {
      return; // No decision yet: the file keeps what the last run said.
    }
    boolean usable = now.providers().stream().anyMatch(EngineStatus.ProviderReport::selectable);
    String value = usable ? USABLE : NONE;
    if (value.equals(written)) {
      return;
    }
    try {
      Path track = file.get();
      if (Files.exists(track, LinkOption.NOFOLLOW_LINKS) && !ConfigPaths.holdsTrackValue(track)) {
        // Checked when the config was loaded; someone put another file there since.
        throw new IOException(
            "refusing to write "
                + track
                + ": it is not a track file failover wrote (a symbolic link, not a regular file,"
                + " or other content); failover never overwrites a file it did not write");
      }
      Files.writeString(
          track,
          value + "\n",
          StandardCharsets.US_ASCII,
          StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
      written = value;
      failing = false;
      logger.info(
          "{} {} = {}: {}",
          key(),
          file.get(),
          value,
          usable
              ? "this router has a usable " + family + " uplink"
              : "no usable " + family + " uplink on this router");
    } catch (IOException e) {
      if (!failing) {
        logger.error("cannot write the {} {}: {}", key(), file.get(), e.toString());
      }
      failing = true;
    }
  }
}
