package dev.failover.launcher.systemd;

import static com.google.common.base.Preconditions.checkState;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The systemd side of sd_notify(3) for tests: a real {@code AF_UNIX} datagram socket, bound to an
 * abstract name (or a path), that receives what {@link SystemdNotify} sends.
 */
public final class NotifyReceiver implements AutoCloseable {
  static {
    Native.register(NotifyReceiver.class, "c");
  }

  private static native int poll(byte[] fds, NativeLong count, int timeoutMillis);

  private final int fd;
  private final String name;

  private NotifyReceiver(String name) {
    this.name = name;
    fd = UnixDatagram.open();
    checkState(fd >= 0, "socket: %s", UnixDatagram.describe(Native.getLastError()));
    byte[] address = UnixDatagram.address(name);
    if (UnixDatagram.bind(fd, address, address.length) != 0) {
      int errno = Native.getLastError();
      UnixDatagram.close(fd);
      throw new IllegalStateException("bind " + name + ": " + UnixDatagram.describe(errno));
    }
  }

  /** Bound to a fresh abstract name, {@code @failover-test-...}. */
  public static NotifyReceiver abstractSocket() {
    return new NotifyReceiver(
        "@failover-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  /** Bound to {@code path}, which must not exist. */
  public static NotifyReceiver at(Path path) {
    return new NotifyReceiver(path.toString());
  }

  /** The name to put in {@code NOTIFY_SOCKET}. */
  public String name() {
    return name;
  }

  /** An environment with {@code NOTIFY_SOCKET} naming this socket, plus {@code extra}. */
  public Map<String, String> environment(String... extra) {
    Map<String, String> environment = new java.util.HashMap<>();
    environment.put("NOTIFY_SOCKET", name);
    for (int i = 0; i + 1 < extra.length; i += 2) {
      environment.put(extra[i], extra[i + 1]);
    }
    return environment;
  }

  /** Every datagram already queued, without waiting. */
  public List<String> drain() {
    List<String> messages = new ArrayList<>();
    byte[] buffer = new byte[4096];
    while (true) {
      long n =
          UnixDatagram.recv(fd, buffer, new NativeLong(buffer.length), UnixDatagram.MSG_DONTWAIT)
              .longValue();
      if (n < 0) {
        return messages;
      }
      messages.add(new String(buffer, 0, (int) n, StandardCharsets.UTF_8));
    }
  }

  /**
   * Waits at most {@code limit} for a datagram to be queued (one poll(2), no busy loop), then
   * drains.
   */
  public List<String> await(Duration limit) {
    byte[] fds = new byte[8];
    java.nio.ByteBuffer.wrap(fds)
        .order(java.nio.ByteOrder.nativeOrder())
        .putInt(fd)
        .putShort((short) 1 /* POLLIN */);
    poll(fds, new NativeLong(1), (int) limit.toMillis());
    return drain();
  }

  @Override
  public void close() throws IOException {
    UnixDatagram.close(fd);
    if (!name.startsWith("@")) {
      Files.deleteIfExists(Path.of(name));
    }
  }
}
