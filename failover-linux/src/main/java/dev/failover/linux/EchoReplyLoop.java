package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import dev.failover.api.TestResult;
import dev.failover.linux.IcmpSocket.ErrnoException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that waits for the replies of every ICMP echo check in flight, IPv4 and IPv6 alike,
 * so that a check holds a socket while it waits but no thread: 16 providers &times; 2 targets cost
 * one thread, not 32.
 *
 * <p>{@link SocketIcmpEchoEngine} opens, binds, connects and sends on the caller's thread (in the
 * caller's network namespace), then hands the socket over with {@link #await}. From then on only
 * this loop touches the socket: it {@code poll(2)}s all of them and an eventfd (which {@link
 * #await} signals, so that a new check is waited for at once), reads what arrives, completes each
 * check's future with the first matching reply, the first ICMP error, or a timeout at its limit, and
 * closes the socket. A check whose future was cancelled is dropped and its socket closed on the next
 * pass, at the latest at its limit.
 *
 * <p>The loop thread is a daemon started on first use and restarted if it ever died. A fault in a
 * pass (which would be a bug or a kernel refusing {@code poll}) fails the checks then in flight
 * with the fault in their detail, is logged, and the loop goes on: a broken loop must never leave a
 * check hanging until the engine's deadline. Thread-safe.
 */
final class EchoReplyLoop {
  private static final Logger logger = LoggerFactory.getLogger(EchoReplyLoop.class);
  /** Large enough for an IP header with options, the ICMP header and our payload, and then some. */
  private static final int BUFFER_LENGTH = 576;
  /** Reads per readable socket per pass: a flood of foreign packets cannot pin the loop. */
  private static final int MAX_READS_PER_PASS = 64;
  private static final long FAILURE_PAUSE_MILLIS = 50;

  private static final EchoReplyLoop SHARED = new EchoReplyLoop();

  private final ConcurrentLinkedQueue<Waiting> arriving = new ConcurrentLinkedQueue<>();
  private final Object lock = new Object();
  private @Nullable Thread thread;
  private int wakeFd = -1;

  /** The loop every engine of this JVM shares. */
  static EchoReplyLoop shared() {
    return SHARED;
  }

  /** A check that has sent its request and waits for the reply. Only the loop thread reads it. */
  static final class Waiting {
    final IcmpSocket socket;
    final int id;
    final int seq;
    final byte[] payload;
    final Duration timeout;
    final Stopwatch elapsed;
    final Stopwatch roundTrip;
    final CompletableFuture<TestResult> result = new CompletableFuture<>();

    /**
     * @param socket the check's socket, sent on; the loop owns it from {@link #await} on
     * @param id the echo identifier a reply must carry, or -1 where the kernel matches it (ping
     *     sockets)
     * @param seq the request's sequence number
     * @param payload the request's payload, which the reply echoes
     * @param timeout the check's limit, measured by {@code elapsed}
     * @param elapsed running since the check began
     * @param roundTrip running since the request was sent: the latency of a reply
     */
    Waiting(
        IcmpSocket socket,
        int id,
        int seq,
        byte[] payload,
        Duration timeout,
        Stopwatch elapsed,
        Stopwatch roundTrip) {
      this.socket = checkNotNull(socket, "socket");
      this.id = id;
      this.seq = seq;
      this.payload = checkNotNull(payload, "payload");
      this.timeout = checkNotNull(timeout, "timeout");
      this.elapsed = checkNotNull(elapsed, "elapsed");
      this.roundTrip = checkNotNull(roundTrip, "roundTrip");
    }

    long remainingNanos() {
      return timeout.toNanos() - elapsed.elapsed(TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Takes over {@code waiting}'s socket and completes its future when the reply, an error or the
   * limit comes.
   *
   * @return the check's result to come; cancelling it drops the check
   * @throws IllegalStateException if the loop cannot be started (no eventfd); the socket is then
   *     closed
   */
  CompletableFuture<TestResult> await(Waiting waiting) {
    checkNotNull(waiting, "waiting");
    int fd;
    try {
      fd = ensureRunning();
    } catch (ErrnoException e) {
      waiting.socket.close();
      throw new IllegalStateException("cannot wait for ICMP echo replies: " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      // Such as "unable to create native thread": the socket was never queued, so close it here.
      waiting.socket.close();
      throw e;
    }
    arriving.add(waiting);
    IcmpSocket.signalEventFd(fd);
    // A cancelled check's socket is closed on the loop's next pass: wake it for that.
    waiting.result.whenComplete(
        (result, failure) -> {
          if (waiting.result.isCancelled()) {
            IcmpSocket.signalEventFd(fd);
          }
        });
    return waiting.result;
  }

  /**
   * Starts the loop if it does not run yet.
   *
   * @throws IllegalStateException if it cannot, naming why
   */
  void checkUsable() {
    try {
      ensureRunning();
    } catch (ErrnoException e) {
      throw new IllegalStateException("cannot wait for ICMP echo replies: " + e.getMessage(), e);
    }
  }

  private int ensureRunning() throws ErrnoException {
    synchronized (lock) {
      if (wakeFd < 0) {
        wakeFd = IcmpSocket.openEventFd();
      }
      if (thread == null || !thread.isAlive()) {
        int fd = wakeFd;
        Thread started = new Thread(() -> run(fd), "failover-icmp-replies");
        started.setDaemon(true);
        started.start();
        thread = started;
      }
      return wakeFd;
    }
  }

  /**
   * The loop: runs as long as the JVM, each pass bounded by the earliest limit in flight. Should an
   * error it cannot survive end it, the checks it held fail at once, and the next check starts a
   * new loop.
   */
  private void run(int wake) {
    List<Waiting> waiting = new ArrayList<>();
    try {
      joinProcessNetworkNamespace();
      serve(wake, waiting);
    } finally {
      for (Waiting check : waiting) {
        finish(check, TestResult.failure(check.elapsed.elapsed(), "reply loop ended"));
      }
    }
  }

  /**
   * Leaves a network namespace inherited from the thread that started the loop (a test's), so that
   * the loop, which serves sockets of every namespace, never keeps one alive.
   */
  private static void joinProcessNetworkNamespace() {
    try {
      IcmpSocket.joinProcessNetworkNamespace();
    } catch (ErrnoException e) {
      logger.debug("the ICMP reply loop stays in the namespace of the thread that started it", e);
    }
  }

  private void serve(int wake, List<Waiting> waiting) {
    byte[] buffer = new byte[BUFFER_LENGTH];
    boolean failedBefore = false;
    while (true) {
      try {
        pass(wake, waiting, buffer);
        failedBefore = false;
      } catch (ErrnoException | RuntimeException | LinkageError e) {
        if (!failedBefore) {
          logger.error("waiting for ICMP echo replies failed; the checks in flight fail", e);
        } else {
          logger.debug("waiting for ICMP echo replies failed again", e);
        }
        failedBefore = true;
        for (Waiting check : waiting) {
          finish(check, TestResult.failure(check.elapsed.elapsed(), "reply loop failed: " + e));
        }
        waiting.clear();
        // A fault that repeats at once (poll refused every time) must not spin a core.
        try {
          Thread.sleep(FAILURE_PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
          // Nobody interrupts this daemon thread on purpose; go on serving the checks.
          Thread.interrupted();
        }
      }
    }
  }

  private void pass(int wake, List<Waiting> waiting, byte[] buffer) throws ErrnoException {
    for (Waiting check = arriving.poll(); check != null; check = arriving.poll()) {
      waiting.add(check);
    }
    long wait = Long.MAX_VALUE;
    for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
      Waiting check = it.next();
      long remaining = check.remainingNanos();
      if (check.result.isDone()) {
        check.socket.close();
        it.remove();
      } else if (remaining <= 0) {
        finish(check, TestResult.timeout(check.timeout));
        it.remove();
      } else {
        wait = Math.min(wait, remaining);
      }
    }
    int[] fds = new int[waiting.size() + 1];
    boolean[] ready = new boolean[fds.length];
    fds[0] = wake;
    for (int i = 0; i < waiting.size(); i++) {
      fds[i + 1] = waiting.get(i).socket.descriptor();
    }
    // Rounded up, so that a wait does not end a fraction of a millisecond before a limit.
    int millis = wait == Long.MAX_VALUE ? -1 : (int) Math.min(Integer.MAX_VALUE, (wait + 999_999) / 1_000_000);
    if (!IcmpSocket.pollReadable(fds, ready, millis)) {
      return;
    }
    if (ready[0]) {
      IcmpSocket.drainEventFd(wake);
    }
    List<Waiting> done = new ArrayList<>();
    for (int i = 0; i < waiting.size(); i++) {
      if (ready[i + 1]) {
        Waiting check = waiting.get(i);
        TestResult result = read(check, buffer);
        if (result != null) {
          finish(check, result);
          done.add(check);
        }
      }
    }
    waiting.removeAll(done);
  }

  /** Reads what the socket holds: the check's result if it came, else null. */
  private static @Nullable TestResult read(Waiting check, byte[] buffer) {
    IcmpPacket.Family family = check.socket.family();
    // An IPv4 raw socket delivers the IP header; an IPv6 one, like every ping socket, does not.
    boolean withIpHeader =
        check.socket.kind() == IcmpSocket.Kind.RAW && family == IcmpPacket.Family.IPV4;
    for (int reads = 0; reads < MAX_READS_PER_PASS; reads++) {
      int length;
      try {
        length = check.socket.receive(buffer);
      } catch (ErrnoException e) {
        // An ICMP or ICMPv6 error about our request, such as "No route to host" for a host
        // unreachable, reported through IP_RECVERR or IPV6_RECVERR.
        return TestResult.failure(check.elapsed.elapsed(), "ICMP error: " + e.reason());
      }
      if (length < 0) {
        return null;
      }
      if (IcmpPacket.isEchoReply(
          family, buffer, length, withIpHeader, check.id, check.seq, check.payload)) {
        return TestResult.success(check.roundTrip.elapsed());
      }
    }
    return null;
  }

  private static void finish(Waiting check, TestResult result) {
    check.socket.close();
    check.result.complete(result);
  }
}
