package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.failover.linux.CommandException;
import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads the IPv4 default routes of a network namespace's main table, as the kernel holds them
 * ({@code ip -n NS -json -4 route show default}). Stateless and thread-safe.
 */
public final class KernelRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KernelRoutes() {}

  /**
   * One default route.
   *
   * @param device the interface it leaves through
   * @param gateway the next hop, or null for a device route
   * @param metric its metric (0 when the kernel prints none)
   * @param protocol its protocol, as {@code ip} prints it (a name or a number)
   * @param linkDown whether the kernel flags it {@code linkdown}
   */
  public record DefaultRoute(
      String device, @Nullable String gateway, long metric, String protocol, boolean linkDown) {
    public DefaultRoute {
      checkNotNull(device, "device");
      checkNotNull(protocol, "protocol");
    }

    @Override
    public String toString() {
      return "default via "
          + gateway
          + " dev "
          + device
          + " metric "
          + metric
          + (linkDown ? " linkdown" : "");
    }
  }

  /**
   * The default routes of {@code namespace}, lowest metric first.
   *
   * @throws IOException if {@code ip} fails or prints something that is not its JSON
   */
  public static List<DefaultRoute> read(String namespace) throws IOException {
    checkNotNull(namespace, "namespace");
    CommandResult result;
    try {
      result =
          new CommandRunner()
              .run(List.of("ip", "-n", namespace, "-json", "-4", "route", "show", "default"));
    } catch (CommandException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (!result.succeeded()) {
      throw new IOException(
          "ip route show in " + namespace + " failed: " + result.stderr().strip());
    }
    return parse(result.stdout());
  }

  /** The route that carries traffic not bound to an uplink: the lowest metric, if any. */
  public static Optional<DefaultRoute> main(String namespace) throws IOException {
    return read(namespace).stream().findFirst();
  }

  static List<DefaultRoute> parse(String json) throws IOException {
    JsonNode routes;
    try {
      routes = JSON.readTree(json.isBlank() ? "[]" : json);
    } catch (JacksonException e) {
      throw new IOException("not the JSON of ip route: " + e.getOriginalMessage(), e);
    }
    List<DefaultRoute> list = new ArrayList<>();
    for (JsonNode route : routes) {
      boolean linkDown = false;
      for (JsonNode flag : route.path("flags")) {
        linkDown |= flag.asText().equals("linkdown");
      }
      list.add(
          new DefaultRoute(
              route.path("dev").asText(""),
              route.path("gateway").isTextual() ? route.path("gateway").asText() : null,
              route.path("metric").asLong(0),
              route.path("protocol").asText(""),
              linkDown));
    }
    list.sort(Comparator.comparingLong(DefaultRoute::metric));
    return List.copyOf(list);
  }
}
