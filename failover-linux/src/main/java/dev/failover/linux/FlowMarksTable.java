package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import java.util.List;

/**
 * The text of failover's own nftables table ({@value #FAMILY} {@value #NAME}), as one {@code nft -f
 * -} transaction that replaces the whole table atomically (declare, delete, define): no packet sees
 * the table half made, and a restart that re-installs it keeps every connection mark, since the
 * marks live in the conntrack entries, not in the table.
 *
 * <p>The table, for providers numbered 1, 2, ... in priority order, each with mark {@code i <<
 * shift} under the mask:
 *
 * <ul>
 *   <li>{@code mark_new} (postrouting, mangle): a connection that has no failover mark yet and
 *       leaves, in its original direction, through a provider's interface gets that provider's mark
 *       in its conntrack entry; the bits outside the mask are kept.
 *   <li>{@code restore_forwarded} (prerouting, mangle) and {@code restore_local} (output, route
 *       hook, so the kernel routes the packet again): a packet of such a connection, in its
 *       original direction, gets the connection's mark as its packet mark, again only under the
 *       mask, so that the provider's {@code fwmark} rule sends it to the provider's table. Local
 *       packets that already carry a mark (a socket's {@code SO_MARK}, as wg-quick sets) are left
 *       alone: their owner routes them. Only with pinning.
 * </ul>
 *
 * <p>Replies are never marked or restored: they go back to the LAN by the main table. Interface
 * names are quoted; {@link Provider} only admits names the kernel takes, which hold no quote.
 *
 * <p>The table is of family {@code inet}, so one rule sees IPv4 and IPv6 packets alike (no
 * expression in it is of one family: conntrack, interface and marks). A provider with one family
 * only has its rules guarded by {@code meta nfproto ipv4} (or {@code ipv6}): the other family's
 * flows through its interface are not its to pin (no engine of that family routes or releases it),
 * so they stay unmarked, as IPv6 flows were before failover pinned IPv6. The script also removes
 * the {@code ip} table of earlier versions ({@value #LEGACY_FAMILY} {@value #NAME}), in the same
 * transaction, so that no packet is marked by both or by neither.
 */
final class FlowMarksTable {
  static final String FAMILY = "inet";

  /** The family of the table before IPv6 was pinned; removed by install and uninstall. */
  static final String LEGACY_FAMILY = "ip";

  static final String NAME = "failover";

  private FlowMarksTable() {}

  /** The mark of the provider at {@code index} (0-based, priority order) under {@code mask}. */
  static int mark(int index, int mask) {
    checkArgument(index >= 0, "index must be >= 0, was %s", index);
    checkArgument(
        index + 1 <= FlowPinningSettings.capacity(mask),
        "mask 0x%s numbers at most %s providers, asked for number %s",
        Integer.toHexString(mask),
        FlowPinningSettings.capacity(mask),
        index + 1);
    return (index + 1) << Integer.numberOfTrailingZeros(mask);
  }

  /** The {@code nft -f -} script that installs (or replaces) the table. */
  static String script(Providers providers, FlowPinningSettings settings) {
    checkNotNull(providers, "providers");
    int mask = settings.fwmarkMask();
    String keep = hex(~mask);
    StringBuilder text = new StringBuilder(removal());
    text.append("table ").append(FAMILY).append(' ').append(NAME).append(" {\n");
    List<Provider> all = providers;
    text.append("  chain mark_new {\n")
        .append("    type filter hook postrouting priority mangle; policy accept;\n");
    for (int i = 0; i < all.size(); i++) {
      text.append("    ")
          .append(familyGuard(all.get(i)))
          .append("ct direction original ct mark and ")
          .append(hex(mask))
          .append(" == 0x0 oifname \"")
          .append(all.get(i).interfaceName())
          .append("\" ct mark set ct mark and ")
          .append(keep)
          .append(" or ")
          .append(hex(mark(i, mask)))
          .append('\n');
    }
    text.append("  }\n");
    if (settings.pinFlows()) {
      chain(text, "restore_forwarded", "filter hook prerouting", "", all, mask);
      chain(text, "restore_local", "route hook output", "meta mark 0x0 ", all, mask);
    }
    text.append("}\n");
    return text.toString();
  }

  /**
   * The {@code nft -f -} script that removes the table (and the {@code ip} one of earlier
   * versions), and succeeds if there is none.
   */
  static String removal() {
    StringBuilder text = new StringBuilder();
    for (String family : List.of(LEGACY_FAMILY, FAMILY)) {
      text.append("table ").append(family).append(' ').append(NAME).append(" {}\n");
      text.append("delete table ").append(family).append(' ').append(NAME).append('\n');
    }
    return text.toString();
  }

  /**
   * {@code meta nfproto ipv4 } for a provider with IPv4 only, {@code ipv6} for one with IPv6 only,
   * nothing for one with both.
   */
  private static String familyGuard(Provider provider) {
    if (provider.families().size() == 2) {
      return "";
    }
    return provider.has(AddressFamily.IPV4) ? "meta nfproto ipv4 " : "meta nfproto ipv6 ";
  }

  private static void chain(
      StringBuilder text, String name, String hook, String guard, List<Provider> all, int mask) {
    text.append("  chain ")
        .append(name)
        .append(" {\n    type ")
        .append(hook.startsWith("route") ? "route hook output" : hook)
        .append(" priority mangle; policy accept;\n");
    for (int i = 0; i < all.size(); i++) {
      String mark = hex(mark(i, mask));
      text.append("    ")
          .append(familyGuard(all.get(i)))
          .append(guard)
          .append("ct direction original ct mark and ")
          .append(hex(mask))
          .append(" == ")
          .append(mark)
          .append(" meta mark set meta mark and ")
          .append(hex(~mask))
          .append(" or ")
          .append(mark)
          .append('\n');
    }
    text.append("  }\n");
  }

  static String hex(int value) {
    return String.format("0x%08x", value);
  }
}
