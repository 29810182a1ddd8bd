package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A snapshot of the IPv4 routes, rules and interfaces of the kernel, as {@code ip -json -N} prints
 * them; immutable.
 *
 * @param routes every IPv4 route of every table
 * @param rules every IPv4 policy rule
 * @param links every interface, by name
 */
record KernelState(List<Route> routes, List<Rule> rules, Map<String, Link> links) {
  static final int MAIN_TABLE = 254;

  KernelState {
    routes = List.copyOf(routes);
    rules = List.copyOf(rules);
    links = Map.copyOf(links);
  }

  /**
   * One route.
   *
   * @param type the route type's number: 1 unicast, 2 local, 3 broadcast, 6 blackhole, 7
   *     unreachable, 8 prohibit ...
   * @param dst {@code default} or a prefix such as {@code 192.168.1.0/24}, or a host address
   * @param gateway the next hop, if any
   * @param dev the output interface, if any
   * @param table the table id (254 is main)
   * @param protocol the route protocol number (2 kernel, 4 static, 16 dhcp, ...)
   * @param prefsrc the preferred source address, if any
   * @param metric the metric (priority); 0 when the kernel prints none
   * @param scope the scope number (0 global, 253 link, 254 host)
   * @param flags such as {@code linkdown}, {@code onlink}
   * @param complex whether it uses a multipath next hop or a nexthop object, which this backend
   *     cannot copy faithfully
   */
  record Route(
      int type,
      String dst,
      @Nullable String gateway,
      @Nullable String dev,
      int table,
      int protocol,
      @Nullable String prefsrc,
      long metric,
      int scope,
      Set<String> flags,
      boolean complex) {
    Route {
      checkNotNull(dst, "dst");
      flags = Set.copyOf(flags);
    }

    boolean isDefault() {
      return dst.equals("default") || dst.equals("0.0.0.0/0");
    }

    boolean isUnicast() {
      return type == 1;
    }

    /** The {@code ip route} selectors that name this route exactly, for a {@code del}. */
    List<String> selectors() {
      List<String> words = new ArrayList<>();
      switch (type) {
        case 6 -> words.add("blackhole");
        case 7 -> words.add("unreachable");
        case 8 -> words.add("prohibit");
        default -> { } // unicast; other types are never deleted by this backend
      }
      words.add(dst);
      if (gateway != null) {
        words.add("via");
        words.add(gateway);
      }
      if (dev != null) {
        words.add("dev");
        words.add(dev);
      }
      words.add("metric");
      words.add(Long.toString(metric));
      words.add("table");
      words.add(Integer.toString(table));
      words.add("proto");
      words.add(Integer.toString(protocol));
      return words;
    }

    @Override
    public String toString() {
      StringBuilder text = new StringBuilder(type == 1 ? "" : "type " + type + " ").append(dst);
      if (gateway != null) {
        text.append(" via ").append(gateway);
      }
      if (dev != null) {
        text.append(" dev ").append(dev);
      }
      text.append(" table ").append(table).append(" proto ").append(protocol);
      if (prefsrc != null) {
        text.append(" src ").append(prefsrc);
      }
      text.append(" metric ").append(metric);
      if (!flags.isEmpty()) {
        text.append(' ').append(String.join(" ", flags));
      }
      return text.toString();
    }
  }

  /**
   * One policy rule. {@code plain} is true when it has no selector other than {@code from}.
   *
   * @param priority its priority
   * @param src the source address, or {@code all}
   * @param srcLength the source prefix length (32 for a host)
   * @param table the table it looks up, 0 if it has another action
   * @param protocol the rule protocol number, 0 if unset
   * @param plain whether it has no other selector (to, iif, oif, fwmark, ...) or action
   */
  record Rule(int priority, String src, int srcLength, int table, int protocol, boolean plain) {
    Rule {
      checkNotNull(src, "src");
    }

    @Override
    public String toString() {
      return priority + ": from " + src + "/" + srcLength + " lookup " + table + " proto " + protocol
          + (plain ? "" : " (with other selectors)");
    }
  }

  /**
   * One interface.
   *
   * @param name its name
   * @param up whether it is administratively up (flag UP)
   * @param carrier whether it has carrier (flag LOWER_UP)
   * @param addresses its IPv4 addresses
   */
  record Link(String name, boolean up, boolean carrier, List<String> addresses) {
    Link {
      checkNotNull(name, "name");
      addresses = List.copyOf(addresses);
    }
  }

  Optional<Link> link(String name) {
    return Optional.ofNullable(links.get(name));
  }

  /** The routes of table {@code table}. */
  List<Route> table(int table) {
    return routes.stream().filter(r -> r.table() == table).toList();
  }

  /** The unicast and other default routes of the main table. */
  List<Route> mainDefaults() {
    return routes.stream().filter(r -> r.table() == MAIN_TABLE && r.isDefault()).toList();
  }

  /** Parses the outputs of {@code ip -json -N -4 route show table all}, {@code rule show} and {@code addr show}. */
  static KernelState parse(String routesJson, String rulesJson, String addrJson) {
    List<Route> routes = new ArrayList<>();
    for (Map<String, Object> r : Json.parseObjects(routesJson)) {
      routes.add(new Route(
          (int) Json.number(r, "type").orElse(1L).longValue(),
          Json.string(r, "dst").orElse("default"),
          Json.string(r, "gateway").orElse(null),
          Json.string(r, "dev").orElse(null),
          (int) Json.number(r, "table").orElse((long) MAIN_TABLE).longValue(),
          (int) Json.number(r, "protocol").orElse(0L).longValue(),
          Json.string(r, "prefsrc").orElse(null),
          Json.number(r, "metric").orElse(0L),
          (int) Json.number(r, "scope").orElse(0L).longValue(),
          Set.copyOf(Json.strings(r, "flags")),
          r.containsKey("nexthops") || r.containsKey("nhid")));
    }
    List<Rule> rules = new ArrayList<>();
    Set<String> known = Set.of("priority", "src", "srclen", "table", "protocol", "flags");
    for (Map<String, Object> r : Json.parseObjects(rulesJson)) {
      String src = Json.string(r, "src").orElse("all");
      boolean plain = known.containsAll(r.keySet()) && Json.strings(r, "flags").isEmpty();
      rules.add(new Rule(
          (int) Json.number(r, "priority").orElse(0L).longValue(),
          src,
          (int) Json.number(r, "srclen").orElse(src.equals("all") ? 0L : 32L).longValue(),
          (int) Json.number(r, "table").orElse(0L).longValue(),
          (int) Json.number(r, "protocol").orElse(0L).longValue(),
          plain));
    }
    Map<String, Link> links = new HashMap<>();
    for (Map<String, Object> l : Json.parseObjects(addrJson)) {
      List<String> flags = Json.strings(l, "flags");
      List<String> addresses = new ArrayList<>();
      Object info = l.get("addr_info");
      if (info instanceof List) {
        for (Object a : (List<?>) info) {
          if (a instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> addr = (Map<String, Object>) a;
            if ("inet".equals(addr.get("family"))) {
              Json.string(addr, "local").ifPresent(addresses::add);
            }
          }
        }
      }
      String name = Json.string(l, "ifname").orElse("");
      links.put(name, new Link(name, flags.contains("UP"), flags.contains("LOWER_UP"), addresses));
    }
    return new KernelState(routes, rules, links);
  }
}
