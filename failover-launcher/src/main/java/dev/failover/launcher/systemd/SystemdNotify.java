package dev.failover.launcher.systemd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's line to systemd: sends sd_notify(3) messages ({@code READY=1}, {@code STATUS=...},
 * {@code RELOADING=1}, {@code STOPPING=1}, {@code WATCHDOG=1}) to the socket named by {@code
 * $NOTIFY_SOCKET}, and knows the watchdog's period from {@code $WATCHDOG_USEC}.
 *
 * <p>One {@code AF_UNIX} datagram socket is opened at {@link #fromEnvironment} and used for every
 * message, through JNA: no process per notification (the {@code systemd-notify} tool would be one
 * fork per watchdog ping, and systemd would have to attribute its message to the daemon), and no
 * libsystemd. A socket name starting with {@code @} is an abstract socket; {@code vsock:} addresses
 * (virtual machines) are not supported and leave notifications off, with a warning.
 *
 * <p>Without {@code $NOTIFY_SOCKET} (run by hand, or by a unit that is not {@code Type=notify})
 * every method does nothing. Sending never throws: a message that cannot be sent is logged at WARN
 * (the first failure of a run of failures only) and dropped, because systemd's bookkeeping must
 * never stop the daemon from keeping the router online. Thread-safe.
 */
public final class SystemdNotify implements Closeable {
  private static final Logger logger = LoggerFactory.getLogger(SystemdNotify.class);

  private final @Nullable String socketName;
  private final byte @Nullable [] address;
  private final Optional<Duration> watchdogInterval;
  private int fd;
  private boolean failing;

  private SystemdNotify(
      @Nullable String socketName, byte @Nullable [] address, int fd, Optional<Duration> watchdog) {
    this.socketName = socketName;
    this.address = address;
    this.fd = fd;
    this.watchdogInterval = watchdog;
  }

  /** Notifications off: every method does nothing. */
  public static SystemdNotify disabled() {
    return new SystemdNotify(null, null, -1, Optional.empty());
  }

  /**
   * The notifier systemd asks for in {@code environment}: {@code NOTIFY_SOCKET}, and {@code
   * WATCHDOG_USEC} (honoured only when {@code WATCHDOG_PID} is absent or is {@code pid}, as
   * sd_watchdog_enabled(3) does, so that a child process does not ping for its parent). Disabled
   * when there is no socket, or it cannot be opened (logged at WARN).
   *
   * @param environment the process environment, normally {@code System.getenv()}
   * @param pid this process's id
   */
  public static SystemdNotify fromEnvironment(Map<String, String> environment, long pid) {
    checkNotNull(environment, "environment");
    String name = environment.get("NOTIFY_SOCKET");
    if (name == null || name.isEmpty()) {
      return disabled();
    }
    if (name.startsWith("vsock:")) {
      logger.warn("NOTIFY_SOCKET {} is a vsock address, which failover does not support", name);
      return disabled();
    }
    byte[] address;
    try {
      address = UnixDatagram.address(name);
    } catch (IllegalArgumentException e) {
      logger.warn(
          "NOTIFY_SOCKET is unusable, systemd will not hear from failover: {}", e.getMessage());
      return disabled();
    }
    int fd = UnixDatagram.open();
    if (fd < 0) {
      logger.warn(
          "cannot open a unix socket for NOTIFY_SOCKET {}: {}",
          name,
          UnixDatagram.describe(Native.getLastError()));
      return disabled();
    }
    return new SystemdNotify(name, address, fd, watchdog(environment, pid));
  }

  private static Optional<Duration> watchdog(Map<String, String> environment, long pid) {
    String usec = environment.get("WATCHDOG_USEC");
    if (usec == null || usec.isEmpty()) {
      return Optional.empty();
    }
    String owner = environment.get("WATCHDOG_PID");
    if (owner != null && !owner.isEmpty() && !owner.equals(Long.toString(pid))) {
      return Optional.empty();
    }
    try {
      long micros = Long.parseLong(usec);
      return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
    } catch (NumberFormatException e) {
      logger.warn("WATCHDOG_USEC must be a number of microseconds, was '{}'; no watchdog", usec);
      return Optional.empty();
    }
  }

  /** Whether messages go anywhere. */
  public boolean enabled() {
    return address != null;
  }

  /**
   * The time within which systemd wants to hear {@code WATCHDOG=1} ({@code WatchdogSec=}), or empty
   * if the watchdog is off. Ping at least twice as often, as sd_watchdog_enabled(3) advises.
   */
  public Optional<Duration> watchdogInterval() {
    return watchdogInterval;
  }

  /**
   * Sends {@code state}: newline-separated {@code KEY=VALUE} assignments, in one datagram.
   *
   * @return whether it was sent; false when disabled, closed, or the send failed
   * @throws IllegalArgumentException if {@code state} is empty
   */
  public synchronized boolean send(String state) {
    checkNotNull(state, "state");
    checkArgument(!state.isEmpty(), "state must not be empty");
    if (address == null || fd < 0) {
      return false;
    }
    byte[] message = state.getBytes(StandardCharsets.UTF_8);
    long sent =
        UnixDatagram.sendto(
                fd,
                message,
                new NativeLong(message.length),
                UnixDatagram.MSG_NOSIGNAL,
                address,
                address.length)
            .longValue();
    if (sent < 0) {
      int errno = Native.getLastError();
      if (!failing) {
        // The first of a run of failures only: a gone socket would otherwise log every ping.
        logger.warn(
            "cannot notify systemd at {} ({}); dropped: {}",
            socketName,
            UnixDatagram.describe(errno),
            state.replace('\n', ' '));
      }
      failing = true;
      return false;
    }
    failing = false;
    return true;
  }

  /** {@code STATUS=text}, one line (line breaks become spaces). */
  public boolean status(String text) {
    return send("STATUS=" + oneLine(text));
  }

  /** {@code READY=1} and {@code STATUS=text}. */
  public boolean ready(String text) {
    return send("READY=1\nSTATUS=" + oneLine(text));
  }

  /**
   * {@code RELOADING=1} with {@code MONOTONIC_USEC} (which systemd 253 and later require with it)
   * and {@code STATUS=text}; {@link #ready} ends the reload.
   */
  public boolean reloading(String text) {
    // The JDK's nanoTime is CLOCK_MONOTONIC on Linux, the clock systemd compares it with.
    long micros = System.nanoTime() / 1000;
    return send("RELOADING=1\nMONOTONIC_USEC=" + micros + "\nSTATUS=" + oneLine(text));
  }

  /** {@code STOPPING=1} and {@code STATUS=text}. */
  public boolean stopping(String text) {
    return send("STOPPING=1\nSTATUS=" + oneLine(text));
  }

  /** {@code WATCHDOG=1}: the daemon's loop is alive. */
  public boolean watchdog() {
    return send("WATCHDOG=1");
  }

  private static String oneLine(String text) {
    return text.replace('\n', ' ');
  }

  /** Closes the socket; later sends do nothing. */
  @Override
  public synchronized void close() {
    if (fd >= 0) {
      UnixDatagram.close(fd);
      fd = -1;
    }
  }
}
