package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Ascii;
import com.google.common.base.CharMatcher;
import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.linux.netlink.CtNetlink;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.Request;
import dev.failover.linux.netlink.Result;
import dev.failover.linux.netlink.RtNetlink;
import dev.failover.linux.netlink.RuleMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow pinning: a connection keeps the uplink it started on while that uplink is usable, and the
 * connections of an uplink that stops being usable end at once (docs/linux.md, "Flow pinning").
 *
 * <p>What it keeps in the kernel: failover's own nftables table ({@link FlowMarksTable}), which
 * marks each new connection leaving through a provider's interface with that provider's mark (under
 * {@link FlowPinningSettings#fwmarkMask()}) and, with pinning, puts the mark back on the
 * connection's later packets; and one rule {@code fwmark MARK/MASK lookup TABLE} per usable
 * provider and family it has (an IPv4 and an IPv6 rule, the same mark and table), at {@link
 * FlowPinningSettings#rulePriority()} with protocol {@link FlowPinningSettings#ruleProtocol()},
 * which the route backend neither makes nor deletes.
 *
 * <p>{@link #install()} runs {@code nft -f -} once (at start or reload; never on a switch) and adds
 * every provider's rules: a restarted daemon keeps every flow where it is. {@link #release} and
 * {@link #pin} are netlink requests only, and per family, since each family has its own engine and
 * its own main route: deleting a provider's rule of a family and its conntrack entries of that
 * family is two messages, no process, and leaves the other family's flows pinned. {@link
 * #uninstall()} removes the table and the rules. The user's own tables, rules and the mark bits
 * outside the mask are never touched.
 *
 * <p>Thread-safe: every method is synchronized. Each call opens its own netlink sockets (in the
 * calling thread's namespace, or through the openers a test gives).
 */
public final class FlowPinning {
  private static final Logger logger = LoggerFactory.getLogger(FlowPinning.class);

  private static final Duration NFT_TIMEOUT = Duration.ofSeconds(10);

  private final FlowPinningSettings settings;
  private final Providers providers;
  private final RtNetlink.Opener rtnetlink;
  private final CtNetlink.Opener ctnetlink;
  private final CommandRunner runner;

  /**
   * Pinning for {@code providers} in the calling thread's namespace, {@code nft} from the path.
   *
   * @throws IllegalArgumentException if the mask cannot number every provider
   */
  public FlowPinning(FlowPinningSettings settings, Providers providers) {
    this(settings, providers, RtNetlink::open, CtNetlink::open, new CommandRunner());
  }

  /**
   * Pinning with the given ways to reach the kernel (a test's namespace).
   *
   * @throws IllegalArgumentException if the mask cannot number every provider
   */
  public FlowPinning(
      FlowPinningSettings settings,
      Providers providers,
      RtNetlink.Opener rtnetlink,
      CtNetlink.Opener ctnetlink,
      CommandRunner runner) {
    this.settings = checkNotNull(settings, "settings");
    this.providers = checkNotNull(providers, "providers");
    this.rtnetlink = checkNotNull(rtnetlink, "rtnetlink");
    this.ctnetlink = checkNotNull(ctnetlink, "ctnetlink");
    this.runner = checkNotNull(runner, "runner");
    checkArgument(
        providers.size() <= FlowPinningSettings.capacity(settings.fwmarkMask()),
        "fwmarkMask 0x%s numbers at most %s providers, but there are %s",
        Integer.toHexString(settings.fwmarkMask()),
        FlowPinningSettings.capacity(settings.fwmarkMask()),
        providers.size());
  }

  /** The settings. */
  public FlowPinningSettings settings() {
    return settings;
  }

  /**
   * The connection mark of {@code provider} (under the mask).
   *
   * @throws IllegalArgumentException if it is not one of the configured providers
   */
  public int markOf(Provider provider) {
    int index = providers.indexOf(checkNotNull(provider, "provider"));
    checkArgument(index >= 0, "%s is not a configured provider", provider);
    return FlowMarksTable.mark(index, settings.fwmarkMask());
  }

  /** The script {@link #install()} hands to {@code nft -f -}. */
  public String tableScript() {
    return FlowMarksTable.script(providers, settings);
  }

  /**
   * Installs (or replaces, atomically) the nftables table and adds every provider's {@code fwmark}
   * rule that is missing; removes failover's {@code fwmark} rules that match no provider any more
   * (another mask, a provider gone from the config). With neither pinning nor per-provider flushing
   * configured, removes what an earlier configuration installed instead.
   *
   * @throws FlowPinningException if {@code nft} or the kernel refused a step
   */
  public synchronized void install() throws FlowPinningException {
    if (!settings.needsMarks()) {
      logger.info("flow pinning is off (pin_flows = false, flush_flows_on_down not 'provider')");
      try {
        uninstall();
      } catch (FlowPinningException e) {
        // Off means nothing is needed, not even nft: a leftover of an earlier configuration is
        // only worth a warning.
        logger.warn(
            "could not check for flow pinning left by an earlier start: {}", e.getMessage());
      }
      return;
    }
    nft(tableScript(), "install the nftables table " + FlowMarksTable.NAME);
    List<RuleMessage> wanted = new ArrayList<>();
    if (settings.pinFlows()) {
      for (Provider p : providers) {
        for (AddressFamily family : p.families()) {
          wanted.add(rule(p, family));
        }
      }
    }
    try (RtNetlink kernel = rtnetlink.open()) {
      List<RuleMessage> present = ownRules(kernel);
      List<Request> requests = new ArrayList<>();
      for (RuleMessage rule : present) {
        if (!wanted.contains(rule)) {
          requests.add(Request.deleteRule(rule));
        }
      }
      for (RuleMessage rule : wanted) {
        if (!present.contains(rule)) {
          requests.add(Request.addRule(rule));
        }
      }
      check(kernel.transact(requests), "install the fwmark rules");
      logger.info(
          "flow pinning installed: table {} {}, {} fwmark rule(s) at priority {} (mask {}, {}"
              + " rule request(s) sent), flush_flows_on_down {}",
          FlowMarksTable.FAMILY,
          FlowMarksTable.NAME,
          wanted.size(),
          settings.rulePriority(),
          FlowMarksTable.hex(settings.fwmarkMask()),
          requests.size(),
          Ascii.toLowerCase(settings.flushOnDown().name()));
    } catch (NetlinkException e) {
      throw new FlowPinningException("install the fwmark rules: " + e.getMessage(), e);
    }
  }

  /**
   * Releases {@code provider}'s flows of {@code family}, which stopped being usable: deletes its
   * {@code fwmark} rule of that family (its pinned flows fall through to the main route) and then
   * the conntrack entries of that family {@link FlowPinningSettings#flushOnDown()} names ({@code
   * all}: every flow of the family). Call it after the main route of that family left the provider,
   * so that the flows' next packets take the new main uplink. The other family's rule and flows
   * stay. Idempotent.
   *
   * @throws IllegalArgumentException if {@code provider} is not configured or lacks {@code family}
   * @throws FlowPinningException if the kernel refused a request (the other one is still tried)
   */
  public synchronized void release(Provider provider, AddressFamily family)
      throws FlowPinningException {
    int mark = markOf(provider);
    checkFamily(provider, family);
    List<String> failures = new ArrayList<>();
    if (settings.pinFlows()) {
      RuleMessage rule = rule(provider, family);
      try (RtNetlink kernel = rtnetlink.open()) {
        Result result = kernel.transact(List.of(Request.deleteRule(rule))).get(0);
        // ENOENT: already gone (released before, or a restart without it).
        if (!result.succeeded() && result.errno() != 2) {
          failures.add("delete " + rule + ": " + result.describe());
        }
      } catch (NetlinkException e) {
        failures.add("delete the fwmark rule: " + e.getMessage());
      }
    }
    switch (settings.flushOnDown()) {
      case NONE -> {}
      case PROVIDER, ALL -> {
        try (CtNetlink conntrack = ctnetlink.open()) {
          if (settings.flushOnDown() == FlushFlowsOnDown.ALL) {
            conntrack.deleteAll(netlink(family));
          } else {
            conntrack.deleteByMark(netlink(family), mark, settings.fwmarkMask());
          }
        } catch (NetlinkException e) {
          failures.add("delete the conntrack entries: " + e.getMessage());
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new FlowPinningException(
          "release of provider '"
              + provider.id()
              + "' ("
              + family
              + "): "
              + String.join("; ", failures));
    }
    logger.info(
        "provider '{}' released ({}): {}{}",
        provider.id(),
        family,
        settings.pinFlows() ? "its fwmark rule deleted, " : "",
        switch (settings.flushOnDown()) {
          case NONE -> "its flows left to time out (flush_flows_on_down = none)";
          case PROVIDER -> "its flows (mark " + FlowMarksTable.hex(mark) + ") deleted";
          case ALL -> "every flow of the family deleted (flush_flows_on_down = all)";
        });
  }

  /**
   * Pins {@code provider}'s flows of {@code family} again, usable once more: adds its {@code
   * fwmark} rule of that family if it is missing. Idempotent; nothing to do without pinning.
   *
   * @throws IllegalArgumentException if {@code provider} is not configured or lacks {@code family}
   * @throws FlowPinningException if the kernel refused the rule
   */
  public synchronized void pin(Provider provider, AddressFamily family)
      throws FlowPinningException {
    markOf(provider);
    checkFamily(provider, family);
    if (!settings.pinFlows()) {
      return;
    }
    RuleMessage rule = rule(provider, family);
    String what = "pin provider '" + provider.id() + "' (" + family + ")";
    try (RtNetlink kernel = rtnetlink.open()) {
      Result result = kernel.transact(List.of(Request.addRule(rule))).get(0);
      if (!result.succeeded() && result.errno() != 17) { // EEXIST: already there
        throw new FlowPinningException(what + ": add " + rule + ": " + result.describe());
      }
      logger.info("provider '{}' pinned ({}): {}", provider.id(), family, rule);
    } catch (NetlinkException e) {
      throw new FlowPinningException(what + ": " + e.getMessage(), e);
    }
  }

  /**
   * How many conntrack entries carry each provider's mark, by provider id in priority order, the
   * families it has together: one dump per provider and family, filtered by the kernel.
   *
   * @throws FlowPinningException if the kernel refused a dump
   */
  public Map<String, Long> flowCounts() throws FlowPinningException {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Provider p : providers) {
      counts.put(p.id(), 0L);
    }
    for (AddressFamily family : AddressFamily.values()) {
      flowCounts(family).forEach((id, count) -> counts.merge(id, count, Long::sum));
    }
    return counts;
  }

  /**
   * How many conntrack entries of {@code family} carry each provider's mark, by provider id in
   * priority order, for the providers that have {@code family}: one dump per provider, filtered by
   * the kernel.
   *
   * @throws FlowPinningException if the kernel refused a dump
   */
  public Map<String, Long> flowCounts(AddressFamily family) throws FlowPinningException {
    checkNotNull(family, "family");
    Map<String, Long> counts = new LinkedHashMap<>();
    List<Provider> having = providers.stream().filter(p -> p.has(family)).toList();
    if (having.isEmpty()) {
      return counts;
    }
    try (CtNetlink conntrack = ctnetlink.open()) {
      for (Provider p : having) {
        counts.put(
            p.id(), conntrack.countByMark(netlink(family), markOf(p), settings.fwmarkMask()));
      }
    } catch (NetlinkException e) {
      throw new FlowPinningException("count the flows: " + e.getMessage(), e);
    }
    return counts;
  }

  /**
   * Removes the nftables table and every {@code fwmark} rule of failover's protocol, for {@code
   * uninstall} (and for a start with pinning off). The conntrack entries keep their marks, which
   * nothing reads any more.
   *
   * @return what was removed, in words; empty if there was nothing
   * @throws FlowPinningException if {@code nft} or the kernel refused a step
   */
  public synchronized List<String> uninstall() throws FlowPinningException {
    List<String> removed = new ArrayList<>();
    List<String> tables = tablesPresent();
    if (!tables.isEmpty()) {
      nft(FlowMarksTable.removal(), "remove the nftables table " + FlowMarksTable.NAME);
      for (String table : tables) {
        removed.add("nft delete " + table);
      }
    }
    try (RtNetlink kernel = rtnetlink.open()) {
      List<Request> requests = new ArrayList<>();
      for (RuleMessage rule : ownRules(kernel)) {
        requests.add(Request.deleteRule(rule));
        removed.add(
            (rule.family() == dev.failover.linux.netlink.AddressFamily.INET6 ? "ip -6" : "ip")
                + " rule del "
                + rule);
      }
      check(kernel.transact(requests), "remove the fwmark rules");
    } catch (NetlinkException e) {
      throw new FlowPinningException("remove the fwmark rules: " + e.getMessage(), e);
    }
    return removed;
  }

  /**
   * Failover's nftables tables that exist, as {@code nft list tables} prints them: the {@code inet}
   * one, and the {@code ip} one of versions before IPv6 (read with {@code nft list tables}).
   */
  private List<String> tablesPresent() throws FlowPinningException {
    CommandResult result;
    try {
      result = runner.run(List.of("nft", "list", "tables"));
    } catch (CommandException e) {
      throw new FlowPinningException("list the nftables tables: " + e.getMessage(), e);
    }
    if (!result.succeeded()) {
      throw new FlowPinningException(
          "list the nftables tables: nft exited with "
              + result.exitCode()
              + ": "
              + trim(result.stderr()));
    }
    List<String> ours =
        List.of(
            "table " + FlowMarksTable.LEGACY_FAMILY + " " + FlowMarksTable.NAME,
            "table " + FlowMarksTable.FAMILY + " " + FlowMarksTable.NAME);
    return result.stdout().lines().map(String::strip).filter(ours::contains).toList();
  }

  private RuleMessage rule(Provider p, AddressFamily family) {
    return RuleMessage.fwmark(
        netlink(family),
        markOf(p),
        settings.fwmarkMask(),
        p.rtTableId(),
        settings.rulePriority(),
        settings.ruleProtocol());
  }

  private static void checkFamily(Provider provider, AddressFamily family) {
    checkNotNull(family, "family");
    checkArgument(
        provider.has(family), "provider '%s' has no %s to pin or release", provider.id(), family);
  }

  private static dev.failover.linux.netlink.AddressFamily netlink(AddressFamily family) {
    return family == AddressFamily.IPV6
        ? dev.failover.linux.netlink.AddressFamily.INET6
        : dev.failover.linux.netlink.AddressFamily.INET;
  }

  /**
   * Failover's fwmark rules of both families: its protocol and a mark selector, whatever their
   * priority.
   */
  private List<RuleMessage> ownRules(RtNetlink kernel) throws NetlinkException {
    List<RuleMessage> own = new ArrayList<>();
    for (AddressFamily family : AddressFamily.values()) {
      kernel.dumpRules(
          netlink(family),
          rule -> {
            if (rule.protocol() == settings.ruleProtocol() && rule.hasFwmark()) {
              own.add(rule);
            }
          });
    }
    return own;
  }

  private void nft(String script, String what) throws FlowPinningException {
    CommandResult result;
    try {
      result = runner.run(List.of("nft", "-f", "-"), script, NFT_TIMEOUT);
    } catch (CommandException e) {
      throw new FlowPinningException(what + ": " + e.getMessage(), e);
    }
    if (!result.succeeded()) {
      throw new FlowPinningException(
          what + ": nft -f - exited with " + result.exitCode() + ": " + trim(result.stderr()));
    }
  }

  private static void check(List<Result> results, String what) throws FlowPinningException {
    List<String> failed = new ArrayList<>();
    for (Result r : results) {
      // EEXIST on an add and ENOENT on a delete: someone did it already.
      if (!r.succeeded() && r.errno() != 17 && r.errno() != 2) {
        failed.add(r.toString());
      }
    }
    if (!failed.isEmpty()) {
      throw new FlowPinningException(what + ": " + String.join("; ", failed));
    }
  }

  private static String trim(String text) {
    String oneLine = CharMatcher.whitespace().trimAndCollapseFrom(text, ' ');
    return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
  }

  @Override
  public String toString() {
    return "FlowPinning[" + settings + "]";
  }
}
