package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import com.google.common.net.InetAddresses;
import dev.failover.api.TestResult;
import dev.failover.linux.IcmpPacket.Family;
import dev.failover.linux.IcmpSocket.ErrnoException;
import dev.failover.linux.IcmpSocket.Kind;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link IcmpEchoEngine} that sends the echo request through an ICMP socket of its own, without
 * starting a process: the default engine of the {@code ping} test case.
 *
 * <p>Each check opens one socket in the calling thread's network namespace: an unprivileged "ping
 * socket" where {@code net.ipv4.ping_group_range} admits the process's group, else a raw ICMP
 * socket (needs {@code CAP_NET_RAW}, which root has). The socket is bound to the provider's source
 * address, so that the provider's {@code from ADDR lookup TABLE} rule carries the request out
 * through its uplink whatever the main provider is, and connected to the target, so that the kernel
 * routes it at once (a provider whose table says {@code unreachable} fails immediately) and hands
 * the socket only packets from that target to that address. The reply must match the request's
 * sequence number, a 16-byte payload unique to the check and, on a raw socket, the engine's
 * identifier, so concurrent checks never take each other's replies. The request is sent on the
 * calling thread; then {@link EchoReplyLoop}, one thread for all checks in flight, waits for the
 * reply and closes the socket, so that {@link #start} holds no thread while it waits.
 *
 * <p>Outcomes: a matching reply is a success whose latency is the time from send to receipt; an
 * ICMP error about the request (destination unreachable, reported with {@code IP_RECVERR}), a source
 * address that is not on the host, or no route is a failure with the kernel's reason; silence until
 * the limit is a timeout. When no ICMP socket can be opened at all, {@code echo} throws {@link
 * IllegalStateException} (the probe is broken, not the provider); {@link #checkUsable()} finds that
 * at startup.
 *
 * <p>IPv6 works the same way over an {@code AF_INET6} socket of either kind ({@code
 * IPPROTO_ICMPV6}, echo request type 128, reply 129; {@code net.ipv4.ping_group_range} governs the
 * IPv6 ping socket too): bound to the IPv6 source, so that the provider's IPv6 {@code from ADDR
 * lookup TABLE} rule applies, with {@code IPV6_RECVERR} and, on a raw socket, an {@code
 * ICMPV6_FILTER}. ICMPv6 errors such as destination unreachable fail the check with the kernel's
 * reason. The same {@link EchoReplyLoop} thread waits for both families. Link-local addresses
 * (fe80::/10) are refused with {@link IllegalArgumentException}: a provider's probe needs a source
 * its policy rule matches and a target beyond its gateway, which a link-local address, meaningful
 * on one link only, is not.
 *
 * <p>Thread-safe: checks share no socket and no mutable state but a counter. The ticker must follow
 * real time, since it also bounds the wait.
 */
public final class SocketIcmpEchoEngine implements IcmpEchoEngine {
  private static final Logger logger = LoggerFactory.getLogger(SocketIcmpEchoEngine.class);
  private static final int PAYLOAD_LENGTH = 16;
  private static final Duration AWAIT_SLACK = Duration.ofSeconds(1);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int EAFNOSUPPORT = 97;

  private final Ticker ticker;
  private final List<Kind> kinds;
  private final long nonce = RANDOM.nextLong();
  private final int rawId = RANDOM.nextInt(0x10000);
  private final AtomicLong checks = new AtomicLong();
  private final EchoReplyLoop replies = EchoReplyLoop.shared();
  /** The kind that opened last, tried first: a closed ping_group_range then costs no failed call. */
  private volatile Kind preferred;

  /** An engine measuring with the system ticker. */
  public SocketIcmpEchoEngine() {
    this(Ticker.systemTicker());
  }

  /** An engine measuring latency and the limit with {@code ticker}. */
  @Inject
  public SocketIcmpEchoEngine(Ticker ticker) {
    this(ticker, List.of(Kind.DATAGRAM, Kind.RAW));
  }

  /** An engine that tries only {@code kinds}, in this order (tests force one kind with it). */
  SocketIcmpEchoEngine(Ticker ticker, List<Kind> kinds) {
    this.ticker = checkNotNull(ticker, "ticker");
    this.kinds = List.copyOf(checkNotNull(kinds, "kinds"));
    checkArgument(!this.kinds.isEmpty(), "kinds must not be empty");
    this.preferred = this.kinds.get(0);
  }

  /**
   * Fails fast if no ICMP socket can be opened by the calling thread, and logs at DEBUG which kind
   * will be used. It tries IPv4 only: an IPv6 socket needs the same privilege or the same {@code
   * ping_group_range}, and a kernel without IPv6 fails an IPv6 check with its own message.
   *
   * @throws IllegalStateException naming each refusal and the remedies: root or {@code
   *     CAP_NET_RAW}, a wider {@code net.ipv4.ping_group_range}, or {@code engine = "command"}
   */
  public void checkUsable() {
    Kind kind = usableKind();
    replies.checkUsable();
    // DEBUG: every command that loads a config (check-config, status, install) gets here.
    logger.debug(
        "ICMP echo checks use {} sockets", kind == Kind.DATAGRAM ? "unprivileged ping" : "raw");
  }

  /** The kind of socket checks from the calling thread will use; see {@link #checkUsable()}. */
  Kind usableKind() {
    try (IcmpSocket socket = open(Family.IPV4)) {
      return socket.kind();
    }
  }

  /**
   * Sends the echo request on the calling thread and returns at once; {@link EchoReplyLoop}'s one
   * thread waits for the reply. The executor is not used.
   *
   * @throws IllegalArgumentException if {@code source} and {@code target} are of different
   *     families, or either is an IPv6 link-local address
   * @throws IllegalStateException if no ICMP socket of the family can be opened
   */
  @Override
  public Future<TestResult> start(
      InetAddress source, InetAddress target, Duration timeout, Executor executor) {
    return send(source, target, timeout);
  }

  /**
   * Sends the echo request and waits on the calling thread for the result.
   *
   * @throws IllegalArgumentException if {@code source} and {@code target} are of different
   *     families, or either is an IPv6 link-local address
   * @throws IllegalStateException if no ICMP socket of the family can be opened
   */
  @Override
  public TestResult echo(InetAddress source, InetAddress target, Duration timeout) {
    Stopwatch elapsed = Stopwatch.createStarted(ticker);
    CompletableFuture<TestResult> result = send(source, target, timeout);
    try {
      // The loop completes every check by its limit; the slack only guards against a bug there.
      return result.get(timeout.toNanos() + AWAIT_SLACK.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      result.cancel(false);
      Thread.currentThread().interrupt();
      return TestResult.failure(elapsed.elapsed(), "interrupted while waiting for the reply");
    } catch (TimeoutException e) {
      result.cancel(false);
      return TestResult.timeout(timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException("ICMP echo check failed: " + e.getCause(), e.getCause());
    }
  }

  private CompletableFuture<TestResult> send(
      InetAddress source, InetAddress target, Duration timeout) {
    Family family = IcmpPacket.family(source, target);
    checkNotNull(timeout, "timeout");
    Stopwatch elapsed = Stopwatch.createStarted(ticker);
    IcmpSocket socket = open(family);
    String from = InetAddresses.toAddrString(source);
    String to = InetAddresses.toAddrString(target);
    boolean handedOver = false;
    try {
      boolean raw = socket.kind() == Kind.RAW;
      try {
        socket.bind(source);
      } catch (ErrnoException e) {
        return done(TestResult.failure(elapsed.elapsed(),
            "cannot bind to " + from + ": " + e.reason()));
      }
      try {
        socket.connect(target);
      } catch (ErrnoException e) {
        return done(TestResult.failure(elapsed.elapsed(),
            "no route from " + from + " to " + to + ": " + e.reason()));
      }
      configure(socket);
      long check = checks.incrementAndGet();
      int seq = (int) (check & 0xffff);
      byte[] payload = ByteBuffer.allocate(PAYLOAD_LENGTH).putLong(nonce).putLong(check).array();
      byte[] request = IcmpPacket.echoRequest(family, raw ? rawId : 0, seq, payload);
      Stopwatch roundTrip = Stopwatch.createStarted(ticker);
      try {
        socket.send(request);
      } catch (ErrnoException e) {
        return done(
            TestResult.failure(elapsed.elapsed(), "cannot send to " + to + ": " + e.reason()));
      }
      EchoReplyLoop.Waiting waiting = new EchoReplyLoop.Waiting(
          socket, raw ? rawId : -1, seq, payload, timeout, elapsed, roundTrip);
      handedOver = true;
      return replies.await(waiting);
    } finally {
      if (!handedOver) {
        socket.close();
      }
    }
  }

  private static CompletableFuture<TestResult> done(TestResult result) {
    return CompletableFuture.completedFuture(result);
  }

  private static void configure(IcmpSocket socket) {
    try {
      socket.reportErrors();
      if (socket.kind() == Kind.RAW) {
        socket.acceptOnlyEchoReplies();
      }
    } catch (ErrnoException e) {
      // Both options only make the check faster or quieter; it still works without them.
      logger.debug("ICMP socket option refused: {}", e.getMessage());
    }
  }

  /**
   * Opens a socket of {@code family} and of the first kind the kernel allows, the last one that
   * worked first (one {@code ping_group_range} governs both families, so one preference serves).
   */
  private IcmpSocket open(Family family) {
    Kind first = preferred;
    List<Kind> order = new ArrayList<>(kinds);
    order.remove(first);
    order.add(0, first);
    List<String> refusals = new ArrayList<>();
    for (Kind kind : order) {
      try {
        IcmpSocket socket = IcmpSocket.open(kind, family);
        preferred = kind;
        return socket;
      } catch (LinkageError e) {
        // JNA could not load its native part, e.g. because its temporary directory is noexec.
        throw new IllegalStateException("cannot call the C library through JNA (" + e
            + "); point -Djna.tmpdir at an executable directory, or set engine = \"command\"", e);
      } catch (ErrnoException e) {
        if (family == Family.IPV6 && e.errno() == EAFNOSUPPORT) {
          // Booted with ipv6.disable=1: no privilege or setting would help, so say that instead.
          throw new IllegalStateException("cannot open an ICMPv6 socket: " + e.reason()
              + " (IPv6 is disabled in this kernel)", e);
        }
        refusals.add(kind == Kind.DATAGRAM
            ? "ping socket: " + e.reason() + " (net.ipv4.ping_group_range is '" + pingGroupRange()
                + "', the process's group is " + effectiveGid() + ")"
            : "raw socket: " + e.reason() + " (needs CAP_NET_RAW)");
      }
    }
    throw new IllegalStateException("cannot open an ICMP socket: " + String.join("; ", refusals)
        + "; run failover as root or with the CAP_NET_RAW capability, or widen"
        + " net.ipv4.ping_group_range to include its group, or set engine = \"command\" to use the"
        + " ping program");
  }

  /** The calling thread's namespace's range: /proc/sys/net follows the namespace of the reader. */
  private static String pingGroupRange() {
    // Files.readString would stop after the first field: this procfs file reports a size of 0.
    try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/ipv4/ping_group_range"))) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().replace('\t', ' ');
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }

  private static String effectiveGid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("Gid:")) {
          return line.split("\\s+")[2];
        }
      }
    } catch (IOException e) {
      logger.debug("cannot read /proc/self/status", e);
    }
    return "unknown";
  }

  @Override
  public String toString() {
    return "SocketIcmpEchoEngine" + kinds;
  }
}
