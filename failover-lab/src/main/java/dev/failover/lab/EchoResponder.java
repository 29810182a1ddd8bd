package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lab's own answer to pings in its internet namespace, with a delay per ISP: a link whose
 * round-trip time jumps while it keeps answering, which the kernel here cannot make (it has no
 * {@code sch_netem}).
 *
 * <p>While it runs, the internet namespace's kernel answers no echo request ({@code
 * net.ipv4.icmp_echo_ignore_all = 1}); one raw ICMP socket per target address, bound to it, reads
 * every echo request to that target and sends the reply from it, at once or, for a request that
 * came through an ISP with a delay set ({@link #delay}), that much later. The ISPs masquerade, so
 * the request's source tells the ISP: its uplink address, {@code 10.255.<index>.2}.
 *
 * <p>{@link #close()} stops the readers, drops the replies not yet sent and gives the kernel its
 * echo replies back. Only ever answers inside the lab's own internet namespace. Needs root.
 */
public final class EchoResponder implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(EchoResponder.class);

  private static final String IGNORE_ALL = "net/ipv4/icmp_echo_ignore_all";
  private static final int AF_INET = 2;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int IPPROTO_ICMP = 1;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int ECHO_REQUEST = 8;
  private static final int ECHO_REPLY = 0;
  /** How often a reader looks whether it should stop. */
  private static final long POLL_MILLIS = 100;

  private final NamespaceLab lab;
  private final Map<Integer, Duration> delays = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sender;
  private final List<Thread> readers = new ArrayList<>();
  private final List<Integer> sockets = new ArrayList<>();
  private final AtomicLong answered = new AtomicLong();
  private volatile boolean closed;

  private EchoResponder(NamespaceLab lab) {
    this.lab = lab;
    this.sender =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "echo-responder-send");
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Starts answering the pings to every {@link NamespaceLab#TARGETS target} of {@code lab}'s
   * internet namespace, without delay until told otherwise.
   *
   * @throws IOException if a socket cannot be made or the kernel's replies cannot be turned off
   */
  public static EchoResponder start(NamespaceLab lab) throws IOException, InterruptedException {
    EchoResponder responder = new EchoResponder(checkNotNull(lab, "lab"));
    try {
      for (Inet4Address target : NamespaceLab.TARGETS) {
        int fd = lab.callIn(lab.internetNamespace(), () -> openBound(target));
        responder.sockets.add(fd);
        Thread reader = new Thread(() -> responder.read(fd, target), "echo-responder-" + target);
        reader.setDaemon(true);
        responder.readers.add(reader);
      }
      lab.callIn(lab.internetNamespace(), () -> writeSysctl("1"));
    } catch (ExecutionException e) {
      responder.close();
      throw new IOException("cannot start the echo responder: " + e.getCause(), e.getCause());
    }
    responder.readers.forEach(Thread::start);
    logger.info("echo responder answering in {}", lab.internetNamespace());
    return responder;
  }

  /** Delays every reply to a ping that came through ISP {@code index} by {@code delay}. */
  public void delay(int index, Duration delay) {
    checkArgument(index >= 1, "index must be >= 1, was %s", index);
    checkArgument(!delay.isNegative(), "delay must be >= 0, was %s", delay);
    delays.put(index, delay);
    logger.info("echo responder: replies through ISP {} now {} ms late", index, delay.toMillis());
  }

  /** How many echo replies were sent so far (each counted just before it is sent). */
  public long answered() {
    return answered.get();
  }

  /** Sets the calling thread's namespace's {@code icmp_echo_ignore_all}. */
  private static Void writeSysctl(String value) throws IOException {
    Files.writeString(Path.of("/proc/sys", IGNORE_ALL), value, StandardCharsets.US_ASCII);
    return null;
  }

  private static int openBound(Inet4Address target) {
    int fd = C.INSTANCE.socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    byte[] timeout = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
        .putLong(0).putLong(POLL_MILLIS * 1000).array();
    C.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, timeout.length);
    C.INSTANCE.bind(fd, sockaddr(target), 16);
    return fd;
  }

  private void read(int fd, Inet4Address target) {
    byte[] packet = new byte[2048];
    byte[] from = new byte[16];
    int[] fromLength = new int[1];
    while (!closed) {
      fromLength[0] = from.length;
      int n;
      try {
        n = C.INSTANCE.recvfrom(fd, packet, packet.length, 0, from, fromLength);
      } catch (LastErrorException e) {
        continue; // the receive timeout (EAGAIN), or an interrupted call: look at closed again
      }
      int headerLength = (packet[0] & 0x0f) * 4;
      if (n < headerLength + 8 || (packet[headerLength] & 0xff) != ECHO_REQUEST) {
        continue;
      }
      byte[] source = {packet[12], packet[13], packet[14], packet[15]};
      byte[] reply = new byte[n - headerLength];
      System.arraycopy(packet, headerLength, reply, 0, reply.length);
      reply[0] = ECHO_REPLY;
      reply[2] = 0;
      reply[3] = 0;
      int checksum = checksum(reply);
      reply[2] = (byte) (checksum >> 8);
      reply[3] = (byte) checksum;
      Duration delay = source[0] == 10 && (source[1] & 0xff) == 255 && source[3] == 2
          ? delays.getOrDefault(source[2] & 0xff, Duration.ZERO)
          : Duration.ZERO;
      Runnable send = () -> send(fd, reply, source, target);
      if (delay.isZero()) {
        send.run();
      } else {
        try {
          sender.schedule(send, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          return; // closing
        }
      }
    }
  }

  private void send(int fd, byte[] reply, byte[] source, Inet4Address target) {
    if (closed) {
      return;
    }
    // Counted before the send: the pinger may see the reply before this thread runs again.
    answered.incrementAndGet();
    try {
      C.INSTANCE.sendto(fd, reply, reply.length, 0, sockaddr(InetAddress.getByAddress(source)), 16);
    } catch (LastErrorException | UnknownHostException e) {
      answered.decrementAndGet();
      logger.debug("echo reply from {} not sent: {}", target, e.toString());
    }
  }

  private static byte[] sockaddr(InetAddress address) {
    ByteBuffer buffer = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
    buffer.putShort((short) AF_INET);
    buffer.order(ByteOrder.BIG_ENDIAN).putShort((short) 0);
    buffer.put(address.getAddress());
    return buffer.array();
  }

  /** The Internet checksum (RFC 1071) of {@code data}. */
  static int checksum(byte[] data) {
    long sum = 0;
    for (int i = 0; i + 1 < data.length; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if (data.length % 2 == 1) {
      sum += (data[data.length - 1] & 0xff) << 8;
    }
    while ((sum >> 16) != 0) {
      sum = (sum & 0xffff) + (sum >> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /** Stops answering and gives the kernel its echo replies back; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (closed && sockets.isEmpty()) {
      return;
    }
    closed = true;
    sender.shutdownNow();
    for (Thread reader : readers) {
      try {
        reader.join(Duration.ofSeconds(2).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int fd : sockets) {
      C.INSTANCE.close(fd);
    }
    sockets.clear();
    try {
      lab.callIn(lab.internetNamespace(), () -> writeSysctl("0"));
    } catch (ExecutionException e) {
      logger.warn("could not give {} its echo replies back: {}", lab.internetNamespace(),
          e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    logger.info("echo responder stopped after {} replies", answered.get());
  }

  /** The C library calls the responder makes; each throws {@link LastErrorException} on -1. */
  private interface C extends Library {
    C INSTANCE = Native.load("c", C.class);

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int setsockopt(int fd, int level, int name, byte[] value, int length)
        throws LastErrorException;

    int bind(int fd, byte[] address, int length) throws LastErrorException;

    int recvfrom(int fd, byte[] buffer, int length, int flags, byte[] from, int[] fromLength)
        throws LastErrorException;

    int sendto(int fd, byte[] buffer, int length, int flags, byte[] to, int toLength)
        throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }
}
