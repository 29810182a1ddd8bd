package dev.failover.launcher.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.launcher.config.JacksonTrees;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools Protocol through the JDK's
 * own WebSocket client: open a page, evaluate JavaScript in it, wait for a condition, take a
 * screenshot.
 *
 * <p>Chromium is started with {@code --remote-debugging-port=0}; the port it chose is read from the
 * {@code DevToolsActivePort} file it writes in its profile folder (the documented way to find it),
 * and the page target from {@code /json/list}. Every wait is bounded. {@link #close()} kills the
 * browser and its children.
 */
public final class HeadlessChromium implements AutoCloseable {
  private static final Duration START_LIMIT = Duration.ofSeconds(30);
  private static final Duration CALL_LIMIT = Duration.ofSeconds(30);

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  /** Why chromium cannot run this test here, if it cannot: not installed, or not root. */
  public static Optional<String> unavailableReason() throws IOException {
    if (findChromium().isEmpty()) {
      return Optional.of(
          "chromium is not installed (apt-get install chromium; .ci/run installs it); skipped");
    }
    if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") != 0) {
      return Optional.of(
          "the browser test runs chromium without its sandbox, as root only; skipped");
    }
    return Optional.empty();
  }

  public static Optional<Path> findChromium() {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path candidate = Path.of(folder, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private HeadlessChromium(Process process, WebSocket socket) {
    this.process = process;
    this.socket = socket;
  }

  /** Starts chromium with a window of {@code width} × {@code height} and connects to its tab. */
  public static HeadlessChromium start(Path profile, int width, int height) throws Exception {
    Path chromium = findChromium().orElseThrow();
    List<String> command =
        List.of(
            chromium.toString(),
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--hide-scrollbars",
            "--window-size=" + width + "," + height,
            "--remote-debugging-port=0",
            "--user-data-dir=" + profile,
            "about:blank");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling("chromium.log").toFile())
            .start();
    try {
      int port = awaitPort(process, profile.resolve("DevToolsActivePort"));
      HttpClient http = HttpClient.newHttpClient();
      String webSocketUrl = awaitPageTarget(process, http, port);
      HeadlessChromium browser = null;
      Listener listener = new Listener();
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(URI.create(webSocketUrl), listener)
              .get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
      browser = new HeadlessChromium(process, socket);
      listener.browser = browser;
      return browser;
    } catch (Exception e) {
      kill(process);
      throw e;
    }
  }

  private static int awaitPort(Process process, Path file) throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        List<String> lines = Files.readAllLines(file);
        if (!lines.isEmpty() && !lines.get(0).isBlank()) {
          return Integer.parseInt(lines.get(0).strip());
        }
      }
      // Waiting on the process paces the polling and notices a browser that died.
      if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("chromium exited with " + process.exitValue());
      }
    }
    throw new IllegalStateException("chromium wrote no DevToolsActivePort within " + START_LIMIT);
  }

  private static String awaitPageTarget(Process process, HttpClient http, int port)
      throws Exception {
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> list =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                  .timeout(CALL_LIMIT)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode targets = JacksonTrees.readJsonObject("{\"t\":" + list.body() + "}").path("t");
      for (JsonNode target : targets) {
        if (target.path("type").asText().equals("page")) {
          return target.path("webSocketDebuggerUrl").asText();
        }
      }
      if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("chromium exited with " + process.exitValue());
      }
    }
    throw new IllegalStateException("chromium showed no page target within " + START_LIMIT);
  }

  /** Sends a DevTools command and waits for its result. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    ObjectNode message = JsonNodeFactory.instance.objectNode();
    message.put("id", id);
    message.put("method", method);
    message.set("params", params);
    socket
        .sendText(JacksonTrees.toCompactJson(message), true)
        .get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    JsonNode answer = result.get(CALL_LIMIT.toSeconds(), TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new IllegalStateException(method + " failed: " + answer.path("error"));
    }
    return answer.path("result");
  }

  /** Opens {@code url} in the tab (one navigation; the page then updates itself). */
  public void navigate(String url) throws Exception {
    ObjectNode params = JsonNodeFactory.instance.objectNode();
    params.put("url", url);
    call("Page.navigate", params);
  }

  /** The value of the JavaScript expression {@code expression}, as JSON. */
  public JsonNode evaluate(String expression) throws Exception {
    ObjectNode params = JsonNodeFactory.instance.objectNode();
    params.put("expression", expression);
    params.put("returnByValue", true);
    JsonNode result = call("Runtime.evaluate", params);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(expression + " threw: " + result.path("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  /**
   * Evaluates {@code expression} until {@code condition} holds for its value, at most for {@code
   * limit}; returns the value that satisfied it.
   *
   * @throws AssertionError with the last value, if the condition never held
   */
  public JsonNode awaitValue(String expression, Predicate<JsonNode> condition, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    JsonNode value = null;
    while (System.nanoTime() < deadline) {
      value = evaluate(expression);
      if (condition.test(value)) {
        return value;
      }
      // Waiting on the browser paces the polling and notices a browser that died.
      if (process.waitFor(100, TimeUnit.MILLISECONDS)) {
        throw new AssertionError("chromium exited with " + process.exitValue());
      }
    }
    throw new AssertionError(
        "within " + limit + ", " + expression + " never satisfied the condition; last: " + value);
  }

  /** A PNG of the page as it is shown. */
  public byte[] screenshot() throws Exception {
    ObjectNode params = JsonNodeFactory.instance.objectNode();
    params.put("format", "png");
    return Base64.getDecoder().decode(call("Page.captureScreenshot", params).path("data").asText());
  }

  @Override
  public void close() {
    socket.abort();
    kill(process);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Collects a message's fragments and completes the call it answers. */
  private static final class Listener implements WebSocket.Listener {
    volatile HeadlessChromium browser;
    private final List<CharSequence> parts = new ArrayList<>();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      parts.add(data.toString());
      if (last) {
        String text = String.join("", parts);
        parts.clear();
        try {
          ObjectNode message = JacksonTrees.readJsonObject(text);
          if (message.has("id") && browser != null) {
            CompletableFuture<JsonNode> call = browser.pending.remove(message.path("id").asInt());
            if (call != null) {
              call.complete(message);
            }
          }
        } catch (IOException e) {
          // Not JSON: no DevTools message would be; ignored.
        }
      }
      webSocket.request(1);
      return null;
    }
  }
}
