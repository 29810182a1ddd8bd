package dev.failover.linux;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.lab.NamespaceLab;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.RtNetlink;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/**
 * Netlink in a lab's namespace for the kernel tests: an {@link RtNetlink.Opener} that opens each
 * socket on a thread inside the namespace (the socket stays there, whichever thread uses it), and a
 * route backend built on it. It keeps every client it opened, so that a test can count what the
 * kernel sent.
 */
final class LabNetlink implements RtNetlink.Opener {
  private final NamespaceLab lab;
  private final String namespace;
  private final List<RtNetlink> opened = new CopyOnWriteArrayList<>();

  private LabNetlink(NamespaceLab lab, String namespace) {
    this.lab = lab;
    this.namespace = namespace;
  }

  /** Opens in {@code lab}'s router namespace. */
  static LabNetlink router(NamespaceLab lab) {
    return new LabNetlink(lab, lab.routerNamespace());
  }

  /** A backend with the default settings for {@code lab}'s providers, in its router namespace. */
  static NetlinkRouteBackend backend(NamespaceLab lab) {
    return new NetlinkRouteBackend(
        NetlinkRouteBackendSettings.defaults(), Providers.of(lab.providers()), router(lab));
  }

  /**
   * Applies {@code state} with a {@link #backend} in {@code lab}'s router namespace, and closes
   * the backend's socket.
   */
  static ApplyOutcome applyOnce(NamespaceLab lab, RoutingState state) throws RouteBackendException {
    try (NetlinkRouteBackend backend = backend(lab)) {
      return backend.apply(state);
    }
  }

  /**
   * The providers of a dual-stack {@code lab} with IPv6 values of their own: each uplink {@code i}
   * gets the static address {@code 2001:db8:i::100/64} (added {@code nodad}, so usable at once and
   * not waiting for SLAAC), its ISP's prefix and the gateway {@code fe80::1}, the same on every
   * uplink.
   */
  static List<Provider> dualStackProviders(NamespaceLab lab) throws IOException {
    List<Provider> providers = new ArrayList<>();
    for (NamespaceLab.Isp isp : lab.isps()) {
      int i = providers.size() + 1;
      CommandResult added =
          lab.exec(
              lab.routerNamespace(), "ip", "-6", "addr", "add", "2001:db8:" + i + "::100/64",
              "dev", isp.routerInterface(), "nodad");
      if (added.exitCode() != 0) {
        throw new IOException("cannot add the IPv6 address of uplink " + i + ": " + added.stderr());
      }
      providers.add(
          isp.provider()
              .withIpv6(
                  Ipv6.parse("2001:db8:" + i + "::100"),
                  Ipv6Network.parse("2001:db8:" + i + "::/64"),
                  NamespaceLab.MODEM_LINK_LOCAL));
    }
    return providers;
  }

  @Override
  public RtNetlink open() throws NetlinkException {
    try {
      RtNetlink netlink = lab.callIn(namespace, RtNetlink::open);
      opened.add(netlink);
      return netlink;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NetlinkException netlink) {
        throw netlink;
      }
      throw new IllegalStateException("cannot open netlink in " + namespace, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetlinkException("interrupted while opening netlink in " + namespace);
    }
  }

  /** How many clients were opened so far. */
  int openCount() {
    return opened.size();
  }

  /** How many messages the kernel sent to every client opened so far. */
  long messagesReceived() {
    return opened.stream().mapToLong(RtNetlink::messagesReceived).sum();
  }
}
