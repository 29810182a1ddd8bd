package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-lived TCP connections from a lab's LAN client to a server in its internet namespace, each
 * carrying one byte every {@link #TICK} in both directions: what a video call or an SSH session
 * looks like to the router, and what flow pinning must keep alive (or end at once).
 *
 * <p>The server listens on a TEST-NET address of the internet namespace and notes, for each
 * connection, the address it came from: the ISP's uplink address it was masqueraded to, so {@link
 * Flow#uplinkAddress()} says which ISP carries it. Each side records when each byte arrived and
 * when its connection failed (a reset, an end of stream), so a test asks for the longest silence in
 * a stretch of time and whether and when the flow ended. Times are {@link Instant#now()},
 * comparable with {@link RouteWatch}'s timestamps.
 *
 * <p>Thread-safe. {@link #close()} closes every socket and stops every thread; the lab's namespaces
 * going away would end them anyway.
 */
public final class LanFlows implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(LanFlows.class);

  /** How often each side sends a byte. */
  public static final Duration TICK = Duration.ofMillis(100);

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final NamespaceLab lab;
  private final InetSocketAddress address;
  private final ServerSocket server;
  private final ScheduledExecutorService ticks =
      Executors.newScheduledThreadPool(2, daemon("tick"));
  private final Map<Integer, Side> serverSides = new ConcurrentHashMap<>();
  private final Map<Integer, InetAddress> remotes = new ConcurrentHashMap<>();
  private final List<Flow> flows = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private int nextId;
  private volatile boolean closed;

  private LanFlows(NamespaceLab lab, InetSocketAddress address, ServerSocket server) {
    this.lab = lab;
    this.address = address;
    this.server = server;
  }

  /**
   * Starts the server on {@code address} in {@code lab}'s internet namespace.
   *
   * @throws IOException if it cannot listen there
   */
  public static LanFlows start(NamespaceLab lab, InetSocketAddress address) throws IOException {
    checkNotNull(lab, "lab");
    checkNotNull(address, "address");
    // The socket is made at its first use, so it is set up and bound inside the namespace.
    ServerSocket server =
        call(
            lab,
            lab.internetNamespace(),
            () -> {
              ServerSocket s = new ServerSocket();
              s.setReuseAddress(true);
              s.bind(address);
              return s;
            });
    LanFlows flows = new LanFlows(lab, address, server);
    Thread accept = daemon("accept").newThread(flows::acceptLoop);
    accept.start();
    return flows;
  }

  /**
   * Opens a connection from the LAN client and starts its bytes; waits (at most 5 s) until the
   * server has seen it, so that {@link Flow#uplinkAddress()} is known.
   *
   * @throws IOException if it cannot connect, or the server did not see it in time
   */
  public Flow open() throws IOException, InterruptedException {
    int id;
    synchronized (this) {
      id = nextId++;
    }
    checkArgument(id < 256, "at most 256 flows");
    Socket socket =
        call(
            lab,
            lab.lanNamespace(),
            () -> {
              Socket s = new Socket();
              s.setTcpNoDelay(true);
              s.connect(address, (int) CONNECT_TIMEOUT.toMillis());
              return s;
            });
    sockets.add(socket);
    socket.getOutputStream().write(id);
    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
    while (!remotes.containsKey(id) && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    InetAddress remote = remotes.get(id);
    if (remote == null) {
      socket.close();
      throw new IOException("the server did not see flow " + id + " within " + CONNECT_TIMEOUT);
    }
    Side client = new Side("client " + id, socket);
    Flow flow = new Flow(id, remote, client, serverSides.get(id), Instant.now());
    flows.add(flow);
    return flow;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(true);
        sockets.add(s);
        int id = s.getInputStream().read();
        if (id < 0) {
          s.close();
          continue;
        }
        serverSides.put(id, new Side("server " + id, s));
        remotes.put(id, s.getInetAddress());
      } catch (IOException e) {
        if (!closed) {
          logger.warn("accept failed", e);
        }
        return;
      }
    }
  }

  /** One end of a connection: sends a byte every tick, records what arrives and when it failed. */
  private final class Side {
    private final String name;
    private final Socket socket;
    private final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    private volatile @Nullable Instant failedAt;
    private volatile @Nullable String failure;

    Side(String name, Socket socket) {
      this.name = name;
      this.socket = socket;
      ticks.scheduleAtFixedRate(this::send, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
      daemon(name).newThread(this::receive).start();
    }

    private void send() {
      if (failedAt != null || closed) {
        return;
      }
      try {
        OutputStream out = socket.getOutputStream();
        out.write('x');
        out.flush();
      } catch (IOException e) {
        fail(e);
      }
    }

    private void receive() {
      try {
        InputStream in = socket.getInputStream();
        while (!closed) {
          if (in.read() < 0) {
            fail(new IOException("end of stream"));
            return;
          }
          arrivals.add(Instant.now());
        }
      } catch (IOException e) {
        fail(e);
      }
    }

    private synchronized void fail(IOException e) {
      if (failedAt == null && !closed) {
        failedAt = Instant.now();
        failure = e.getMessage();
        logger.info("{} failed: {}", name, e.toString());
      }
    }

    /** The longest time in [from, to] without an arrival (until the failure, if any). */
    Duration longestSilence(Instant from, Instant to) {
      Instant previous = from;
      Duration longest = Duration.ZERO;
      List<Instant> times = new ArrayList<>(arrivals);
      for (Instant t : times) {
        if (t.isBefore(from)) {
          continue;
        }
        if (t.isAfter(to)) {
          break;
        }
        longest = max(longest, Duration.between(previous, t));
        previous = t;
      }
      return max(longest, Duration.between(previous, to));
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** A connection from the LAN client to the server. */
  public final class Flow {
    private final int id;
    private final InetAddress uplinkAddress;
    private final Side client;
    private final @Nullable Side server;
    private final Instant openedAt;

    private Flow(
        int id, InetAddress uplinkAddress, Side client, @Nullable Side server, Instant openedAt) {
      this.id = id;
      this.uplinkAddress = uplinkAddress;
      this.client = client;
      this.server = server;
      this.openedAt = openedAt;
    }

    /** The address the server saw the connection come from: the carrying ISP's uplink address. */
    public InetAddress uplinkAddress() {
      return uplinkAddress;
    }

    /** When the connection was open and its first byte sent. */
    public Instant openedAt() {
      return openedAt;
    }

    /** When the client's side failed (reset, end of stream), if it did. */
    public Optional<Instant> clientFailedAt() {
      return Optional.ofNullable(client.failedAt);
    }

    /** When either side failed first, if one did. */
    public Optional<Instant> failedAt() {
      Instant c = client.failedAt;
      Instant s = server == null ? null : server.failedAt;
      if (c == null) {
        return Optional.ofNullable(s);
      }
      return Optional.of(s == null || c.isBefore(s) ? c : s);
    }

    /** Why it failed, in words, or empty. */
    public String failure() {
      String s = server == null ? null : server.failure;
      return (client.failure == null ? "" : "client: " + client.failure)
          + (s == null ? "" : " server: " + s);
    }

    /** The longest silence either side heard in [from, to]. */
    public Duration longestSilence(Instant from, Instant to) {
      Duration c = client.longestSilence(from, to);
      return server == null ? c : max(c, server.longestSilence(from, to));
    }

    /** Bytes the client received in [from, to]. */
    public long clientArrivals(Instant from, Instant to) {
      return client.arrivals.stream().filter(t -> !t.isBefore(from) && !t.isAfter(to)).count();
    }

    /**
     * Waits until the flow fails or {@code limit} passes (polling every 10 ms).
     *
     * @return whether it failed
     */
    public boolean awaitFailure(Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (failedAt().isEmpty() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(10);
      }
      return failedAt().isPresent();
    }

    @Override
    public String toString() {
      return "flow " + id + " via " + uplinkAddress.getHostAddress();
    }
  }

  @Override
  public void close() {
    closed = true;
    ticks.shutdownNow();
    try {
      server.close();
    } catch (IOException e) {
      logger.debug("closing the server socket", e);
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        logger.debug("closing a flow's socket", e);
      }
    }
  }

  private static <T> T call(NamespaceLab lab, String namespace, java.util.concurrent.Callable<T> c)
      throws IOException {
    try {
      return lab.callIn(namespace, c);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("in namespace " + namespace, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while working in namespace " + namespace, e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, "lan-flows-" + name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
