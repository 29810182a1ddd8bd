package dev.failover.launcher.http;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableMap;
import com.google.common.io.ByteStreams;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP listener: {@code /metrics} (Prometheus or OpenMetrics text, as the scraper
 * asks), the status page at {@code /} with its script and style sheet, and {@code /api/status}, the
 * JSON the page polls. Every other path answers 404, every method but GET and HEAD 405: nothing
 * here changes anything.
 *
 * <p>It is the JDK's own HTTP server ({@code com.sun.net.httpserver}, module {@code
 * jdk.httpserver}), which costs no dependency and, idle, two threads (its dispatcher and its timer)
 * and a few hundred KB. Requests are handled on a pool of its own, never on the tick thread: at
 * most {@value #THREADS} threads (none while idle) and {@value #QUEUE} waiting requests; a request
 * beyond that is refused by closing its connection. A handler reads only immutable snapshots (the
 * engine's status) or copies a bounded ring under a short lock, so a flood of requests costs CPU
 * but cannot hold the engine back. A request whose headers take longer than {@value
 * #MAX_REQUEST_SECONDS} s to arrive is cut off (the JDK's {@code sun.net.httpserver.maxReqTime},
 * set here unless given on the command line), so slow clients cannot hold the threads either.
 *
 * <p>Every answer carries a strict Content-Security-Policy (scripts, styles and requests from this
 * origin only; no inline script or style, no frames, no forms), {@code nosniff}, no referrer and no
 * caching. Thread-safe.
 */
public final class StatusServer {
  private static final Logger logger = LoggerFactory.getLogger(StatusServer.class);

  static final int THREADS = 2;
  static final int QUEUE = 16;
  static final int BACKLOG = 16;
  static final long MAX_REQUEST_SECONDS = 10;

  /** The policy of every answer: the page runs its own script and style and talks to us only. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final String RESOURCES = "/dev/failover/launcher/http/";

  /** The static files of the page: path, resource, content type. */
  private static final ImmutableMap<String, String[]> FILES =
      ImmutableMap.of(
          "/", new String[] {"index.html", "text/html; charset=utf-8"},
          "/status.js", new String[] {"status.js", "text/javascript; charset=utf-8"},
          "/status.css", new String[] {"status.css", "text/css; charset=utf-8"});

  private final InetSocketAddress address;
  private final HttpHandler metrics;
  private final Supplier<String> statusJson;
  private final ThreadPoolExecutor executor;
  private @Nullable HttpServer server;

  /**
   * A server, not started.
   *
   * @param address where to listen ({@code http_listen})
   * @param registry served at {@code /metrics}
   * @param statusJson the JSON text of {@code /api/status}, made at each request
   */
  public StatusServer(
      InetSocketAddress address, PrometheusRegistry registry, Supplier<String> statusJson) {
    this.address = checkNotNull(address, "address");
    this.metrics =
        new MetricsHandler(PrometheusProperties.get(), checkNotNull(registry, "registry"));
    this.statusJson = checkNotNull(statusJson, "statusJson");
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            runnable -> {
              Thread thread = new Thread(runnable, "failover-http-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /**
   * Binds the address and starts answering.
   *
   * @return the address bound (with the port the kernel chose, for port 0)
   * @throws IOException if the address cannot be bound (in use, not an address of this host, ...)
   * @throws IllegalStateException if it was started before
   */
  public synchronized InetSocketAddress start() throws IOException {
    checkState(server == null, "already started");
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      // Read once, when the JDK's server class is first used; seconds.
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
    }
    HttpServer created = HttpServer.create(address, BACKLOG);
    created.setExecutor(executor);
    created.createContext("/", this::handle);
    created.start();
    server = created;
    return created.getAddress();
  }

  /** Stops answering at once and releases the address and the threads; idempotent. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      headers.set("X-Frame-Options", "DENY");
      headers.set("Cache-Control", "no-store");
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        headers.set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", "only GET and HEAD: this is read-only\n");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/metrics")) {
        metrics.handle(exchange);
      } else if (path.equals("/api/status")) {
        send(exchange, 200, "application/json; charset=utf-8", statusJson.get());
      } else if (FILES.containsKey(path)) {
        String[] file = FILES.get(path);
        send(exchange, 200, file[1], resource(file[0]));
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (IOException e) {
      // The client went away mid-answer: nothing to do.
      logger.debug("HTTP request {} ended early: {}", exchange.getRequestURI(), e.toString());
    } catch (RuntimeException e) {
      logger.warn("HTTP request {} failed", exchange.getRequestURI(), e);
      throw e;
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    // -1: no body (HEAD); the length otherwise, so that the connection can be kept alive.
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** A file of the page; read at each request (a few KB, and the page polls only the JSON). */
  private static byte[] resource(String name) {
    try (InputStream in = StatusServer.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource " + RESOURCES + name + " is missing from the jar");
      }
      return ByteStreams.toByteArray(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "StatusServer(" + address + ")";
  }
}
