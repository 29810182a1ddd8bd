package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * One write request to the kernel: add, replace or delete a route, add or delete a rule. Sent in a
 * {@link RtNetlink#transact transaction}, each with its own sequence number and an acknowledgement,
 * so that its {@link Result} is its own. Immutable; build it with the static factories.
 *
 * @param kind what to do
 * @param route the route, for a route request
 * @param rule the rule, for a rule request
 */
public record Request(Kind kind, @Nullable RouteMessage route, @Nullable RuleMessage rule) {

  /** What a request does, and with which {@code NLM_F_*} flags. */
  public enum Kind {
    /**
     * {@code RTM_NEWROUTE} with {@code NLM_F_CREATE | NLM_F_EXCL}: fails with {@code EEXIST} if a
     * route with the same key (table, destination, tos, metric) exists.
     */
    ADD_ROUTE,
    /**
     * {@code RTM_NEWROUTE} with {@code NLM_F_CREATE | NLM_F_REPLACE}: adds the route, or replaces
     * the one with the same key in one step (the kernel never shows a moment without it).
     */
    REPLACE_ROUTE,
    /** {@code RTM_DELROUTE}: deletes the first route that matches every field given. */
    DELETE_ROUTE,
    /**
     * {@code RTM_NEWRULE} with {@code NLM_F_CREATE | NLM_F_EXCL}: fails if the same rule exists.
     */
    ADD_RULE,
    /** {@code RTM_DELRULE}: deletes the rule that matches every field given. */
    DELETE_RULE
  }

  /**
   * @throws IllegalArgumentException unless exactly the message the kind needs is given, and it is
   *     one this package can encode (not multipath, no other selectors)
   */
  public Request {
    checkNotNull(kind, "kind");
    boolean routeKind =
        kind == Kind.ADD_ROUTE || kind == Kind.REPLACE_ROUTE || kind == Kind.DELETE_ROUTE;
    checkArgument(
        routeKind ? route != null && rule == null : rule != null && route == null,
        "a %s request needs exactly a %s",
        kind,
        routeKind ? "route" : "rule");
    checkArgument(
        route == null || !route.multipath() && !route.otherNextHop(),
        "cannot send a multipath route or one with another kind of next hop: %s",
        route);
    checkArgument(
        rule == null || !rule.otherSelectors(),
        "cannot send a rule with other selectors: %s",
        rule);
  }

  /** Adds {@code route}; fails if one with the same key exists. */
  public static Request addRoute(RouteMessage route) {
    return new Request(Kind.ADD_ROUTE, checkNotNull(route, "route"), null);
  }

  /** Adds {@code route} or replaces the one with the same key, in one step. */
  public static Request replaceRoute(RouteMessage route) {
    return new Request(Kind.REPLACE_ROUTE, checkNotNull(route, "route"), null);
  }

  /**
   * Deletes the route that matches {@code route}'s table, destination, tos, type, protocol, next
   * hop, preferred source and, if not 0, metric; any scope.
   */
  public static Request deleteRoute(RouteMessage route) {
    checkNotNull(route, "route");
    return new Request(Kind.DELETE_ROUTE, route.withScope(RouteMessage.SCOPE_NOWHERE), null);
  }

  /** Adds {@code rule}; fails if the same rule exists. */
  public static Request addRule(RuleMessage rule) {
    return new Request(Kind.ADD_RULE, null, checkNotNull(rule, "rule"));
  }

  /** Deletes the rule that matches {@code rule}. */
  public static Request deleteRule(RuleMessage rule) {
    return new Request(Kind.DELETE_RULE, null, checkNotNull(rule, "rule"));
  }

  /** Appends this request as one message with sequence number {@code seq}, asking for an ack. */
  void encode(MessageWriter w, int seq) {
    int request = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK;
    switch (kind) {
      case ADD_ROUTE -> w.begin(Nl.RTM_NEWROUTE, request | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, seq);
      case REPLACE_ROUTE ->
          w.begin(Nl.RTM_NEWROUTE, request | Nl.NLM_F_CREATE | Nl.NLM_F_REPLACE, seq);
      case DELETE_ROUTE -> w.begin(Nl.RTM_DELROUTE, request, seq);
      case ADD_RULE -> w.begin(Nl.RTM_NEWRULE, request | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL, seq);
      case DELETE_RULE -> w.begin(Nl.RTM_DELRULE, request, seq);
    }
    if (route != null) {
      Codec.route(w, route);
    } else {
      Codec.rule(w, checkNotNull(rule));
    }
    w.end();
  }

  /** Like {@code ip}: {@code route replace default via 192.168.1.1 dev #3 table 254 ...}. */
  @Override
  public String toString() {
    return describe(index -> "#" + index);
  }

  /**
   * Like {@code ip}, with interfaces named by {@code interfaceNames}: {@code route replace default
   * via 192.168.1.1 dev wan1 table 254 ...}.
   */
  public String describe(IntFunction<String> interfaceNames) {
    return switch (kind) {
      case ADD_ROUTE -> "route add " + checkNotNull(route).describe(interfaceNames);
      case REPLACE_ROUTE -> "route replace " + checkNotNull(route).describe(interfaceNames);
      case DELETE_ROUTE -> "route del " + checkNotNull(route).describe(interfaceNames);
      case ADD_RULE -> "rule add " + rule;
      case DELETE_RULE -> "rule del " + rule;
    };
  }
}
