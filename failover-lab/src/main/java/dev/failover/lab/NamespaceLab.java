package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.net.InetAddresses;
import dev.failover.api.Ipv4;
import dev.failover.api.Ipv4Network;
import dev.failover.api.Provider;
import dev.failover.linux.CommandException;
import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away network of namespaces that imitates a router with several internet uplinks.
 *
 * <p>The layout, for a lab built with prefix {@code fl} and three ISPs (names get a random suffix,
 * such as {@code fl-3a9c-rt}):
 *
 * <pre>
 *   LAN client ns (-lan)        router ns (-rt)                 ISP ns (-isp1..3)        internet ns (-inet)
 *   eth0 10.10.0.2/24 ---- lan0 10.10.0.1/24
 *                              wan1 192.168.1.11/24 ---- lan 192.168.1.1/24  uplink 10.255.1.2/30 ---- isp1 10.255.1.1/30
 *                              wan2 192.168.1.12/24 ---- lan 192.168.1.1/24  uplink 10.255.2.2/30 ---- isp2 10.255.2.1/30
 *                              wan3 192.168.1.13/24 ---- lan 192.168.1.1/24  uplink 10.255.3.2/30 ---- isp3 10.255.3.1/30
 *                                                                                     lo 192.0.2.1, 198.51.100.1, 203.0.113.1
 * </pre>
 *
 * <p>Every modem has the same address (192.168.1.1) unless the lab is built with {@link
 * Builder#identicalGateways(boolean) identicalGateways(false)}, in which case ISP {@code i} uses
 * 192.168.{@code i}.0/24 with the modem at .1 and the router at .{@code 10+i}. Each ISP forwards
 * and masquerades to the internet namespace, which holds the TEST-NET targets and has no route
 * out, so no packet of a test ever leaves the lab. The router namespace forwards (optionally with
 * masquerading) but has no default route: that is the route backend's job.
 *
 * <p>A lab built with {@link Builder#ipv6(boolean) ipv6(true)} is dual-stack: every modem also
 * has the link-local address {@code fe80::1} and sends router advertisements (radvd) for a prefix
 * of its own, 2001:db8:<i>i</i>::/64, so the router takes a SLAAC address and a {@code proto ra}
 * default route {@code via fe80::1} on every uplink, as with real IPv6 ISPs; the internet holds
 * the {@link #TARGETS_V6} and routes each prefix back through its ISP; the LAN has {@link
 * #LAN_PREFIX_V6}. See {@link Builder#ipv6(boolean)} for the addresses and the timing.
 *
 * <p>Faults are injected inside the ISP namespaces or on the router's uplink: {@link
 * #blackhole(int)} (nftables drops everything the ISP forwards; {@link #blackhole(int, Family)} one
 * family only), {@link #stopRouterAdvertisements} (the RAs are lost), {@link #loss} (drops a
 * random share with {@code numgen random}, since the kernel may lack {@code sch_netem}), {@link
 * #linkDown} (router side: admin down, the kernel deletes the routes; far side: carrier loss, the
 * routes stay flagged {@code linkdown}), {@link #deleteInterface} and {@link #recreateInterface}
 * (a modem unplugged and plugged in again), {@link #deleteSourceRules} and {@link
 * #addForeignDefaultRoute} (an operator or a DHCP client touching the router's policy), and {@link
 * #restore}.
 *
 * <p>{@link #close()} deletes every namespace the lab made (which deletes their interfaces and
 * nftables) after killing the processes left inside them; a JVM shutdown hook does the same for a
 * lab that was not closed; an IPv6 lab first stops its radvd processes by PID and, last, deletes
 * its scratch folder (radvd's config, PID and log files). Methods may be called from several
 * threads. Needs root, {@code ip} and {@code nft}, and for IPv6 {@code radvd}; see {@link
 * #unavailableReason()} and {@link #ipv6UnavailableReason()}.
 */
public final class NamespaceLab implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(NamespaceLab.class);

  /** The TEST-NET addresses the internet namespace answers on (RFC 5737). */
  public static final List<Inet4Address> TARGETS =
      List.of(Ipv4.parse("192.0.2.1"), Ipv4.parse("198.51.100.1"), Ipv4.parse("203.0.113.1"));

  /** The LAN client's address. */
  public static final Inet4Address LAN_CLIENT_ADDRESS = Ipv4.parse("10.10.0.2");

  /** The router's address on the LAN, the client's default gateway. */
  public static final Inet4Address ROUTER_LAN_ADDRESS = Ipv4.parse("10.10.0.1");

  /** The router's LAN interface. */
  public static final String ROUTER_LAN_INTERFACE = "lan0";

  /**
   * The IPv6 addresses the internet namespace answers on in a lab built with {@link
   * Builder#ipv6(boolean) ipv6(true)}, from the documentation prefix 2001:db8::/32 (RFC 3849).
   */
  public static final List<Inet6Address> TARGETS_V6 =
      List.of(
          parseIpv6("2001:db8:f0::1"), parseIpv6("2001:db8:f1::1"), parseIpv6("2001:db8:f2::1"));

  /**
   * Every modem's link-local address in an IPv6 lab, the router's IPv6 gateway on every uplink: the
   * same on every ISP on purpose, as with real ISPs, whose routers often all use {@code fe80::1}.
   */
  public static final Inet6Address MODEM_LINK_LOCAL = parseIpv6("fe80::1");

  /** The LAN's IPv6 prefix in an IPv6 lab. */
  public static final Ipv6Prefix LAN_PREFIX_V6 = new Ipv6Prefix(parseIpv6("2001:db8:100::"), 64);

  /** The router's IPv6 address on the LAN, the client's IPv6 default gateway. */
  public static final Inet6Address ROUTER_LAN_ADDRESS_V6 = parseIpv6("2001:db8:100::1");

  /** The LAN client's IPv6 address. */
  public static final Inet6Address LAN_CLIENT_ADDRESS_V6 = parseIpv6("2001:db8:100::2");

  /**
   * The router lifetime of every ISP's router advertisements: the router's {@code proto ra} default
   * route expires this long after the last RA it heard (see {@link #stopRouterAdvertisements}).
   */
  public static final Duration ROUTER_LIFETIME =
      Duration.ofSeconds(RouterAdvertiser.ROUTER_LIFETIME_SECONDS);

  /** The longest time between two unsolicited router advertisements of an ISP. */
  public static final Duration MAX_RA_INTERVAL =
      Duration.ofSeconds(RouterAdvertiser.MAX_INTERVAL_SECONDS);

  /** The first routing table id used by {@link Isp#provider()}: ISP {@code i} gets 100 + i. */
  public static final int FIRST_TABLE_ID = 100;

  /** The most ISPs a lab can have (the probe benchmark uses 16). */
  public static final int MAX_ISPS = 32;

  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9]{0,7}");
  private static final String FAULT_TABLE = "lab_fault";
  /** The LAN's network, which every ISP routes back through the router. */
  private static final String LAN_NETWORK = "10.10.0.0/24";
  private static final Set<NamespaceLab> OPEN = ConcurrentHashMap.newKeySet();
  private static final SecureRandom RANDOM = new SecureRandom();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (NamespaceLab lab : List.copyOf(OPEN)) {
                    lab.close();
                  }
                },
                "namespace-lab-cleanup"));
  }

  /** An address family, for the faults that hit only one (see {@link #blackhole(int, Family)}). */
  public enum Family {
    IPV4,
    IPV6
  }

  /**
   * An IPv6 prefix: a network address (host bits zero) and a length; {@link #toString()} gives the
   * usual compressed form, such as {@code 2001:db8:1::/64}.
   *
   * @param address the network address
   * @param length the prefix length, 0 to 128
   */
  public record Ipv6Prefix(Inet6Address address, int length) {
    public Ipv6Prefix {
      checkNotNull(address, "address");
      checkArgument(length >= 0 && length <= 128, "length must be 0 to 128, was %s", length);
      checkArgument(
          masked(address.getAddress(), length).equals(address),
          "address must have no bits set past the prefix length %s, was %s",
          length,
          InetAddresses.toAddrString(address));
    }

    /** Whether {@code candidate} is an IPv6 address inside this prefix. */
    public boolean contains(InetAddress candidate) {
      return candidate instanceof Inet6Address
          && masked(candidate.getAddress(), length).equals(address);
    }

    private static Inet6Address masked(byte[] bytes, int length) {
      for (int bit = length; bit < 128; bit++) {
        bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
      }
      return toIpv6(bytes);
    }

    @Override
    public String toString() {
      return InetAddresses.toAddrString(address) + "/" + length;
    }
  }

  /** Which end of an uplink goes down. */
  public enum LinkSide {
    /** The router's interface is set down: the kernel deletes every route through it, silently. */
    ROUTER,
    /** The modem's interface is set down: the router sees carrier loss, routes stay as linkdown. */
    FAR
  }

  /**
   * One simulated ISP as the router sees it.
   *
   * @param index 1-based number of the ISP
   * @param namespace the ISP's namespace
   * @param routerInterface the router's interface to it, {@code wan<index>}
   * @param routerAddress the router's address on that interface
   * @param network the network between router and modem
   * @param modemAddress the modem's (gateway's) address
   * @param provider a provider for this uplink: id {@code isp<index>}, table {@code isp<index>} with
   *     id {@code 100 + index}
   */
  public record Isp(
      int index,
      String namespace,
      String routerInterface,
      Inet4Address routerAddress,
      Ipv4Network network,
      Inet4Address modemAddress,
      Provider provider) {
    public Isp {
      checkArgument(index >= 1, "index must be >= 1, was %s", index);
      checkNotNull(namespace, "namespace");
      checkNotNull(routerInterface, "routerInterface");
      checkNotNull(routerAddress, "routerAddress");
      checkNotNull(network, "network");
      checkNotNull(modemAddress, "modemAddress");
      checkNotNull(provider, "provider");
    }
  }

  /** Settings of a lab; not validated until {@link #build()}. */
  public static final class Builder {
    private final String prefix;
    private int isps = 3;
    private boolean identicalGateways = true;
    private boolean routerMasquerade;
    private boolean lanClient = true;
    private boolean ipv6;
    private Duration commandTimeout = Duration.ofSeconds(20);

    private Builder(String prefix) {
      this.prefix = prefix;
    }

    /**
     * The number of ISPs, 1 to {@value NamespaceLab#MAX_ISPS}; 3 by default. The router reaches ISP
     * {@code i} at 192.168.1.{@code 10+i} (or 192.168.{@code i}.{@code 10+i}) and the ISP the
     * internet over 10.255.{@code i}.0/30, so the limit leaves every address valid.
     */
    public Builder isps(int count) {
      this.isps = count;
      return this;
    }

    /** Whether every modem has the same address, 192.168.1.1 (the default) or its own subnet. */
    public Builder identicalGateways(boolean identical) {
      this.identicalGateways = identical;
      return this;
    }

    /** Whether the router masquerades what it forwards out of its uplinks; off by default. */
    public Builder routerMasquerade(boolean masquerade) {
      this.routerMasquerade = masquerade;
      return this;
    }

    /** Whether to create the LAN client namespace; on by default. */
    public Builder lanClient(boolean lan) {
      this.lanClient = lan;
      return this;
    }

    /**
     * Whether the lab is dual-stack; off by default. When on, IPv6 is enabled in every namespace
     * (with duplicate address detection off: every link is a veth pair the lab made, so no address
     * can be a duplicate, and addresses are usable the moment they appear), and:
     *
     * <ul>
     *   <li>each ISP's modem has the link-local address {@link #MODEM_LINK_LOCAL fe80::1} (the same
     *       on every ISP) and advertises, with radvd, its own prefix {@link #ipv6Prefix
     *       2001:db8:<i>i</i>::/64} with itself as default router, so the router takes a SLAAC
     *       address per uplink and a {@code proto ra} default route {@code via fe80::1 dev
     *       wan<i>i</i>} per uplink (the router forwards IPv6, so its uplinks have {@code accept_ra
     *       = 2}); the route comes within milliseconds of the start, and expires {@link
     *       #ROUTER_LIFETIME} after the last RA;
     *   <li>each ISP routes to the internet over 2001:db8:ff:<i>i</i>::/64, and the internet
     *       namespace holds the {@link #TARGETS_V6} and routes each ISP's prefix back through that
     *       ISP, so a probe from the router's address in that prefix works without NAT;
     *   <li>the LAN is {@link #LAN_PREFIX_V6}, with the router at {@link
     *       #ROUTER_LAN_ADDRESS_V6} and the client at {@link #LAN_CLIENT_ADDRESS_V6}; each ISP
     *       routes it back to the router and, like its IPv4 masquerading, masquerades every
     *       source outside its own prefix (so the LAN reaches the internet through any ISP, as in
     *       IPv4); with {@link #routerMasquerade} the router masquerades IPv6 too.
     * </ul>
     *
     * <p>Needs {@code radvd} too; see {@link NamespaceLab#ipv6UnavailableReason()}.
     */
    public Builder ipv6(boolean dualStack) {
      this.ipv6 = dualStack;
      return this;
    }

    /** The timeout of each command the lab runs; 20 s by default. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Creates the namespaces and wires them; on failure removes whatever was made.
     *
     * @throws IllegalArgumentException if a setting is invalid
     * @throws IOException if a command failed; the lab is removed again
     */
    public NamespaceLab build() throws IOException {
      checkArgument(
          PREFIX.matcher(prefix).matches(),
          "prefix must be 1 to 8 lower-case letters or digits, starting with a letter, was '%s'",
          prefix);
      checkArgument(isps >= 1 && isps <= MAX_ISPS, "isps must be between 1 and %s, was %s", MAX_ISPS, isps);
      checkNotNull(commandTimeout, "commandTimeout");
      NamespaceLab lab = new NamespaceLab(this);
      OPEN.add(lab);
      try {
        lab.create();
      } catch (IOException | RuntimeException e) {
        lab.close();
        throw e;
      }
      return lab;
    }
  }

  private final String name;
  private final boolean identicalGateways;
  private final boolean routerMasquerade;
  private final boolean lanClient;
  private final boolean ipv6;
  private final CommandRunner runner;
  private final ImmutableList<Isp> isps;
  private final List<String> created = new ArrayList<>();
  /** The running router advertisers by ISP index; guarded by itself. */
  private final Map<Integer, RouterAdvertiser> advertisers = new HashMap<>();
  /** The scratch folder of an IPv6 lab (radvd's files), made by {@link #create()}. */
  private volatile @Nullable Path scratch;
  private volatile boolean closed;

  private NamespaceLab(Builder builder) {
    this.name = builder.prefix + "-" + String.format(Locale.ROOT, "%04x", RANDOM.nextInt(0x10000));
    this.identicalGateways = builder.identicalGateways;
    this.routerMasquerade = builder.routerMasquerade;
    this.lanClient = builder.lanClient;
    this.ipv6 = builder.ipv6;
    this.runner = new CommandRunner(List.of(), builder.commandTimeout);
    ImmutableList.Builder<Isp> list = ImmutableList.builder();
    for (int i = 1; i <= builder.isps; i++) {
      int subnet = identicalGateways ? 1 : i;
      Ipv4Network network = Ipv4Network.parse("192.168." + subnet + ".0/24");
      Inet4Address router = Ipv4.parse("192.168." + subnet + "." + (10 + i));
      Inet4Address modem = Ipv4.parse("192.168." + subnet + ".1");
      Provider provider =
          new Provider("isp" + i, "wan" + i, router, network, modem, "isp" + i, FIRST_TABLE_ID + i);
      list.add(new Isp(i, name + "-isp" + i, "wan" + i, router, network, modem, provider));
    }
    this.isps = list.build();
  }

  /** A builder for a lab whose namespace names start with {@code prefix} (1-8 letters/digits). */
  public static Builder builder(String prefix) {
    return new Builder(checkNotNull(prefix, "prefix"));
  }

  /**
   * Why a lab cannot run here, or empty if it can: not root, or {@code ip} or {@code nft} missing.
   * Tests pass this to {@code Assumptions.assumeTrue} so that a skip shows its reason.
   */
  public static Optional<String> unavailableReason() {
    if (!isRoot()) {
      return Optional.of("namespace tests need root (CAP_SYS_ADMIN, CAP_NET_ADMIN); skipped");
    }
    for (String tool : List.of("ip", "nft")) {
      if (findOnPath(tool).isEmpty()) {
        return Optional.of("namespace tests need '" + tool + "' on the PATH; skipped");
      }
    }
    return Optional.empty();
  }

  /**
   * Why a lab built with {@link Builder#ipv6(boolean) ipv6(true)} cannot run here, or empty if it
   * can: what {@link #unavailableReason()} says, or {@code radvd} missing.
   */
  public static Optional<String> ipv6UnavailableReason() {
    return unavailableReason().or(RouterAdvertiser::unavailableReason);
  }

  /** The executable {@code tool} on the PATH, if any. */
  public static Optional<Path> findOnPath(String tool) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, tool);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0"); // effective uid
        }
      }
    } catch (IOException e) {
      logger.debug("cannot read /proc/self/status", e);
    }
    return false;
  }

  /** The lab's unique name, the prefix plus a random suffix; every namespace name starts with it. */
  public String name() {
    return name;
  }

  /** The router namespace, where the route backend and the probes run. */
  public String routerNamespace() {
    return name + "-rt";
  }

  /** The internet namespace holding the {@link #TARGETS}. */
  public String internetNamespace() {
    return name + "-inet";
  }

  /**
   * The LAN client's namespace.
   *
   * @throws IllegalStateException if the lab was built without a LAN client
   */
  public String lanNamespace() {
    checkState(lanClient, "lab '%s' was built without a LAN client", name);
    return name + "-lan";
  }

  /** Whether every ISP's modem has the same address. */
  public boolean identicalGateways() {
    return identicalGateways;
  }

  /** Whether the router masquerades what leaves through its uplinks. */
  public boolean routerMasquerade() {
    return routerMasquerade;
  }

  /** Whether the lab is dual-stack (see {@link Builder#ipv6(boolean)}). */
  public boolean ipv6() {
    return ipv6;
  }

  /**
   * The prefix ISP {@code index} advertises in an IPv6 lab: 2001:db8:<i>index</i>::/64 (the index
   * written in decimal digits, read as hex, so ISP 12 has 2001:db8:12::/64).
   *
   * @throws IllegalArgumentException if there is no such ISP
   */
  public Ipv6Prefix ipv6Prefix(int index) {
    isp(index);
    return new Ipv6Prefix(parseIpv6("2001:db8:" + index + "::"), 64);
  }

  /**
   * The router's global IPv6 address on its uplink to ISP {@code index}, taken by SLAAC from that
   * ISP's router advertisements, if it has one (and it is not tentative), read from the kernel now.
   *
   * @throws IllegalStateException if the lab is not dual-stack
   */
  public Optional<Inet6Address> routerIpv6Address(int index) throws IOException {
    checkState(ipv6, "lab '%s' was built without IPv6", name);
    Isp isp = isp(index);
    Ipv6Prefix prefix = ipv6Prefix(index);
    CommandResult result = runner.run(List.of("ip", "-n", routerNamespace(), "-6", "-o", "addr",
        "show", "dev", isp.routerInterface(), "scope", "global"));
    // One line per address: "4: wan1    inet6 2001:db8:1:0:...:1/64 scope global dynamic ...".
    for (String line : result.stdout().split("\n")) {
      String[] words = line.trim().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals("inet6") && !line.contains(" tentative")) {
          String address = words[i + 1].replaceFirst("/.*", "");
          if (InetAddresses.isInetAddress(address)
              && prefix.contains(InetAddresses.forString(address))) {
            return Optional.of(parseIpv6(address));
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The router's SLAAC address on its uplink to ISP {@code index} ({@link #routerIpv6Address}),
   * waiting at most {@code limit} for it: radvd answers the router's solicitation within
   * milliseconds of the lab's start, and the address is usable once duplicate address detection
   * is done. Empty if it did not come in time.
   *
   * @throws IllegalStateException if the lab is not dual-stack
   * @throws InterruptedException if interrupted while waiting
   */
  public Optional<Inet6Address> awaitRouterIpv6Address(int index, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    Optional<Inet6Address> address = routerIpv6Address(index);
    while (address.isEmpty() && System.nanoTime() - deadline < 0) {
      Thread.sleep(20); // polling step of a bounded wait; each read is an ip command
      address = routerIpv6Address(index);
    }
    return address;
  }

  /** The ISPs, in order. */
  public List<Isp> isps() {
    return isps;
  }

  /**
   * ISP {@code index}, 1-based.
   *
   * @throws IllegalArgumentException if there is no such ISP
   */
  public Isp isp(int index) {
    checkArgument(index >= 1 && index <= isps.size(), "isp must be 1 to %s, was %s", isps.size(), index);
    return isps.get(index - 1);
  }

  /** The providers of the ISPs, in order (see {@link Isp#provider()}). */
  public List<Provider> providers() {
    return isps.stream().map(Isp::provider).toList();
  }

  /** A runner whose commands run inside {@code namespace} (prefix {@code ip netns exec}). */
  public CommandRunner runnerIn(String namespace) {
    return new CommandRunner(List.of("ip", "netns", "exec", namespace), CommandRunner.DEFAULT_TIMEOUT);
  }

  /**
   * Runs {@code command} inside {@code namespace} and returns its result, whatever its exit code.
   *
   * @throws IOException if it could not run or timed out
   */
  public CommandResult exec(String namespace, String... command) throws IOException {
    return runnerIn(namespace).run(List.of(command));
  }

  /**
   * Makes ISP {@code index} drop everything it forwards, of both families in an IPv6 lab (the modem
   * answers, the internet does not); see {@link #blackhole(int, Family)} for one family only.
   */
  public void blackhole(int index) throws IOException {
    setFault(isp(index), "drop");
  }

  /**
   * Makes ISP {@code index} drop every packet of {@code family} that it forwards, in both
   * directions, and nothing of the other family: the modem still answers (neighbour discovery and
   * router advertisements are not forwarded, so they go on), the internet does not, for that family
   * only. Independent of {@link #blackhole(int)} and {@link #loss}, which hit both families;
   * {@link #restore} clears it.
   */
  public void blackhole(int index, Family family) throws IOException {
    checkNotNull(family, "family");
    String table = (family == Family.IPV4 ? "ip " : "ip6 ") + FAULT_TABLE;
    nft(isp(index).namespace(),
        "add table " + table + "\ndelete table " + table + "\n"
            + "table " + table + " {\n  chain faults {\n"
            + "    type filter hook forward priority -10; policy accept;\n    drop\n  }\n}\n");
  }

  /**
   * Stops the router advertisements of ISP {@code index} without a last word (radvd is killed, so
   * it sends no RA with a router lifetime of 0), as when its RAs are lost: the router's {@code
   * proto ra} default route through that uplink expires {@link #ROUTER_LIFETIME} after the last RA
   * (the kernel removes it within a second of that, the router namespace's route garbage
   * collection running every second), while its SLAAC address, whose lifetimes are longer, stays.
   * Idempotent.
   *
   * @throws IllegalStateException if the lab is not dual-stack
   */
  public void stopRouterAdvertisements(int index) throws IOException {
    checkState(ipv6, "lab '%s' was built without IPv6", name);
    isp(index);
    synchronized (advertisers) {
      RouterAdvertiser advertiser = advertisers.remove(index);
      if (advertiser != null) {
        try {
          advertiser.kill();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while stopping radvd of ISP " + index, e);
        }
      }
    }
  }

  /**
   * Stops the router advertisements of ISP {@code index} with a last word: radvd, stopped with
   * SIGTERM, sends a last RA with a router lifetime of 0 (RFC 4861, 6.2.5), so the router deletes
   * its {@code proto ra} default route through that uplink at once, as when a modem withdraws
   * itself as default router; its SLAAC address stays. Idempotent.
   *
   * @throws IllegalStateException if the lab is not dual-stack
   */
  public void withdrawRouterAdvertisements(int index) {
    checkState(ipv6, "lab '%s' was built without IPv6", name);
    isp(index);
    synchronized (advertisers) {
      RouterAdvertiser advertiser = advertisers.remove(index);
      if (advertiser != null) {
        advertiser.close();
      }
    }
  }

  /**
   * Starts the router advertisements of ISP {@code index} again after {@link
   * #stopRouterAdvertisements} or {@link #withdrawRouterAdvertisements}: its radvd starts and
   * sends an RA at once, so the router has the default route again within milliseconds.
   * Idempotent.
   *
   * @throws IllegalStateException if the lab is not dual-stack
   */
  public void startRouterAdvertisements(int index) throws IOException {
    checkState(ipv6, "lab '%s' was built without IPv6", name);
    startAdvertiser(isp(index));
  }

  /** Makes ISP {@code index} drop {@code percent}% of what it forwards, at random. */
  public void loss(int index, int percent) throws IOException {
    checkArgument(percent >= 0 && percent <= 100, "percent must be 0 to 100, was %s", percent);
    setFault(isp(index), "numgen random mod 100 < " + percent + " drop");
  }

  /**
   * Makes ISP {@code index} drop {@code percent}% of what it forwards in one direction only, at
   * random: {@code upstream} from the router toward the internet (a congested upload), otherwise
   * from the internet toward the router.
   */
  public void loss(int index, int percent, boolean upstream) throws IOException {
    checkArgument(percent >= 0 && percent <= 100, "percent must be 0 to 100, was %s", percent);
    setFault(isp(index), (upstream ? "iifname" : "oifname") + " \"lan\" numgen random mod 100 < "
        + percent + " drop");
  }

  /** Takes the uplink of ISP {@code index} down at {@code side}. */
  public void linkDown(int index, LinkSide side) throws IOException {
    checkNotNull(side, "side");
    Isp isp = isp(index);
    if (side == LinkSide.ROUTER) {
      must(List.of("ip", "-n", routerNamespace(), "link", "set", isp.routerInterface(), "down"));
    } else {
      must(List.of("ip", "-n", isp.namespace(), "link", "set", "lan", "down"));
    }
  }

  /**
   * Brings the uplink of ISP {@code index} up at {@code side}. On the router's side no route the
   * kernel deleted is restored: that is the backend's job (in an IPv6 lab the router solicits, and
   * the ISP's RA, within about half a second, gives it its SLAAC address and default route again).
   * On the far side the ISP's own route back to the LAN, which the kernel deleted with the modem's
   * link, is put back, as the modem's own configuration would: without it the LAN client hears no
   * reply through that ISP. In an IPv6 lab the modem's IPv6 addresses, which the kernel deleted
   * too, and its IPv6 route back to the LAN are put back the same way.
   */
  public void linkUp(int index, LinkSide side) throws IOException {
    checkNotNull(side, "side");
    Isp isp = isp(index);
    if (side == LinkSide.ROUTER) {
      must(List.of("ip", "-n", routerNamespace(), "link", "set", isp.routerInterface(), "up"));
    } else {
      must(List.of("ip", "-n", isp.namespace(), "link", "set", "lan", "up"));
      if (lanClient) {
        // replace: idempotent when the link was never down.
        must(List.of("ip", "-n", isp.namespace(), "route", "replace", LAN_NETWORK, "via",
            isp.routerAddress().getHostAddress(), "dev", "lan"));
      }
      if (ipv6) {
        // The kernel deletes IPv6 addresses (and routes) of a link set down; radvd picks fe80::1
        // up again within a second of its return and goes on advertising.
        batch(isp.namespace(), modemIpv6(isp));
        routeLanBackV6(isp);
      }
    }
  }

  /**
   * Deletes the router's interface to ISP {@code index} (and with it the veth pair, the modem's
   * end included), as when a USB modem is unplugged: the kernel deletes every route through it
   * and the link disappears. {@link #recreateInterface} or {@link #restore} plugs it back in.
   */
  public void deleteInterface(int index) throws IOException {
    must(List.of("ip", "-n", routerNamespace(), "link", "del", isp(index).routerInterface()));
  }

  /**
   * Re-creates the uplink of ISP {@code index} after {@link #deleteInterface}: the same interface
   * name and addresses on both ends, both up, and the ISP's route back to the LAN, as a modem
   * plugged in again with a fixed configuration. Nothing else: the router's routes through it are
   * the backend's job. In an IPv6 lab the modem gets its IPv6 addresses and route back to the LAN
   * again, and its router advertiser, if it was running, restarts on the new interface and
   * advertises at once.
   *
   * @throws IOException if the interface still exists or a command fails
   */
  public void recreateInterface(int index) throws IOException {
    Isp isp = isp(index);
    batch(routerNamespace(), List.of(
        "link add name " + isp.routerInterface() + " type veth peer name lan netns "
            + isp.namespace(),
        "addr add " + isp.routerAddress().getHostAddress() + "/" + isp.network().prefixLength()
            + " dev " + isp.routerInterface(),
        "link set " + isp.routerInterface() + " up"));
    List<String> modem = new ArrayList<>();
    modem.add("addr add " + isp.modemAddress().getHostAddress() + "/" + isp.network().prefixLength()
        + " dev lan");
    if (ipv6) {
      modem.add("link set lan addrgenmode none");
      modem.addAll(modemIpv6(isp));
    }
    modem.add("link set lan up");
    if (lanClient) {
      modem.add("route replace " + LAN_NETWORK + " via " + isp.routerAddress().getHostAddress()
          + " dev lan");
    }
    batch(isp.namespace(), modem);
    if (ipv6) {
      routeLanBackV6(isp);
      restartAdvertiser(isp);
    }
  }

  /** Whether the router's interface to ISP {@code index} exists (see {@link #deleteInterface}). */
  public boolean interfaceExists(int index) throws IOException {
    return runner.run(List.of("ip", "-n", routerNamespace(), "link", "show", "dev",
        isp(index).routerInterface())).succeeded();
  }

  /**
   * Deletes every policy rule {@code from ADDR} of ISP {@code index}'s router address in the
   * router namespace, whatever its table or priority, as an operator cleaning up by hand would.
   *
   * @return how many rules were deleted (at most 16; a lab has one per provider)
   */
  public int deleteSourceRules(int index) throws IOException {
    String from = isp(index).routerAddress().getHostAddress() + "/32";
    int deleted = 0;
    // Bounded: each pass deletes one rule (the first that matches) or ends the loop.
    while (deleted < 16
        && runner.run(List.of("ip", "-n", routerNamespace(), "rule", "del", "from", from))
            .succeeded()) {
      deleted++;
    }
    return deleted;
  }

  /**
   * Adds a default route through ISP {@code index} to the router's main table at {@code metric},
   * with route protocol {@code dhcp}, as a DHCP client re-adding its route would: a route the
   * daemon did not make.
   *
   * @throws IOException if the kernel refuses it (for example, a route at that metric exists)
   */
  public void addForeignDefaultRoute(int index, int metric) throws IOException {
    checkArgument(metric >= 0, "metric must be >= 0, was %s", metric);
    Isp isp = isp(index);
    must(List.of("ip", "-n", routerNamespace(), "-4", "route", "add", "default", "via",
        isp.modemAddress().getHostAddress(), "dev", isp.routerInterface(), "metric",
        Integer.toString(metric), "proto", "dhcp"));
  }

  /**
   * Clears every fault of ISP {@code index}: no dropping (of either family), the uplink re-created
   * if it was deleted, both ends of the link up, and in an IPv6 lab its router advertisements
   * running (started again if they were stopped or withdrawn).
   */
  public void restore(int index) throws IOException {
    Isp isp = isp(index);
    StringBuilder script = new StringBuilder();
    for (String family : List.of("inet", "ip", "ip6")) {
      script.append("add table ").append(family).append(' ').append(FAULT_TABLE).append('\n');
      script.append("delete table ").append(family).append(' ').append(FAULT_TABLE).append('\n');
    }
    nft(isp.namespace(), script.toString());
    if (!interfaceExists(index)) {
      recreateInterface(index);
    }
    linkUp(index, LinkSide.FAR);
    linkUp(index, LinkSide.ROUTER);
    if (ipv6) {
      startAdvertiser(isp);
    }
  }

  /**
   * Runs {@code task} on a thread inside {@code namespace} (see {@link Netns#call}).
   *
   * @throws ExecutionException wrapping what the task threw
   */
  public <T> T callIn(String namespace, java.util.concurrent.Callable<T> task)
      throws ExecutionException, InterruptedException {
    return Netns.call(namespace, task);
  }

  /** Removes everything the lab made; safe to call more than once. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    // First radvd, gracefully and by PID, so that none is left for the sweep below to kill.
    synchronized (advertisers) {
      advertisers.values().forEach(RouterAdvertiser::terminate);
      advertisers.values().forEach(RouterAdvertiser::close);
      advertisers.clear();
    }
    List<String> namespaces;
    synchronized (created) {
      namespaces = List.copyOf(created);
    }
    for (String ns : namespaces) {
      killProcessesIn(ns);
    }
    for (String ns : namespaces) {
      try {
        CommandResult result = runner.run(List.of("ip", "netns", "del", ns));
        if (!result.succeeded()) {
          logger.warn("could not delete namespace '{}': {}", ns, result.stderr().strip());
        }
      } catch (CommandException e) {
        logger.warn("could not delete namespace '{}'", ns, e);
      }
    }
    Path folder = scratch;
    if (folder != null) {
      deleteTree(folder);
    }
    OPEN.remove(this);
    logger.debug("lab '{}' removed", name);
  }

  private void killProcessesIn(String ns) {
    try {
      CommandResult pids = runner.run(List.of("ip", "netns", "pids", ns));
      for (String pid : pids.stdout().split("\\s+")) {
        if (pid.matches("\\d+")) {
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    } catch (CommandException e) {
      logger.warn("could not list the processes of namespace '{}'", ns, e);
    }
  }

  private void create() throws IOException {
    if (ipv6) {
      Optional<String> missing = RouterAdvertiser.unavailableReason();
      if (missing.isPresent()) {
        throw new IOException("lab '" + name + "': " + missing.get());
      }
      scratch = Files.createTempDirectory("failover-lab-" + name + "-");
    }
    String rt = routerNamespace();
    String inet = internetNamespace();
    addNamespace(rt);
    addNamespace(inet);
    for (Isp isp : isps) {
      addNamespace(isp.namespace());
    }
    if (lanClient) {
      addNamespace(lanNamespace());
    }
    if (ipv6) {
      // Before any link exists, so that every link the lab makes gets these settings.
      synchronized (created) {
        for (String ns : created) {
          enableIpv6(ns);
        }
      }
      // The router forwards, so only accept_ra = 2 makes it take RAs (and SLAAC) on its uplinks.
      sysctl(rt, "net/ipv6/conf/all/forwarding", "1");
      sysctl(rt, "net/ipv6/conf/default/accept_ra", "2");
      // Expired RA routes go at the next route garbage collection, every 30 s by default: once
      // a second, a route's lifetime is what a test waits for.
      sysctl(rt, "net/ipv6/route/gc_interval", "1");
      for (Isp isp : isps) {
        sysctl(isp.namespace(), "net/ipv6/conf/all/forwarding", "1");
      }
    }

    List<String> inetBatch = new ArrayList<>();
    for (Inet4Address target : TARGETS) {
      inetBatch.add("addr add " + target.getHostAddress() + "/32 dev lo");
    }
    if (ipv6) {
      for (Inet6Address target : TARGETS_V6) {
        inetBatch.add("addr add " + InetAddresses.toAddrString(target) + "/128 dev lo");
      }
    }
    List<String> rtBatch = new ArrayList<>();
    for (Isp isp : isps) {
      rtBatch.add("link add name " + isp.routerInterface() + " type veth peer name lan netns " + isp.namespace());
      rtBatch.add("addr add " + isp.routerAddress().getHostAddress() + "/" + isp.network().prefixLength()
          + " dev " + isp.routerInterface());
      rtBatch.add("link set " + isp.routerInterface() + " up");
    }
    batch(rt, rtBatch);
    for (Isp isp : isps) {
      int i = isp.index();
      String modemSide = isp.namespace();
      List<String> ispBatch = new ArrayList<>();
      ispBatch.add("link add name uplink type veth peer name isp" + i + " netns " + inet);
      ispBatch.add("addr add " + isp.modemAddress().getHostAddress() + "/" + isp.network().prefixLength()
          + " dev lan");
      ispBatch.add("addr add 10.255." + i + ".2/30 dev uplink");
      if (ipv6) {
        // Only fe80::1, no address of its own making: radvd sends from the first link-local
        // address, and the router's gateway must be fe80::1 on every uplink.
        ispBatch.add("link set lan addrgenmode none");
        ispBatch.addAll(modemIpv6(isp));
        ispBatch.add("addr add " + transitV6(i, 2) + "/64 dev uplink");
      }
      ispBatch.add("link set lan up");
      ispBatch.add("link set uplink up");
      ispBatch.add("route add default via 10.255." + i + ".1 dev uplink");
      if (ipv6) {
        ispBatch.add("route add ::/0 via " + transitV6(i, 1) + " dev uplink");
      }
      if (lanClient) {
        // Without masquerading on the router, the LAN's replies must find their way back.
        ispBatch.add("route add " + LAN_NETWORK + " via " + isp.routerAddress().getHostAddress() + " dev lan");
      }
      batch(modemSide, ispBatch);
      if (ipv6) {
        routeLanBackV6(isp);
      }
      inetBatch.add("addr add 10.255." + i + ".1/30 dev isp" + i);
      if (ipv6) {
        inetBatch.add("addr add " + transitV6(i, 1) + "/64 dev isp" + i);
      }
      inetBatch.add("link set isp" + i + " up");
      if (ipv6) {
        // The way back to the router's SLAAC addresses: no NAT needed, as with a real ISP.
        inetBatch.add("route add " + ipv6Prefix(i) + " via " + transitV6(i, 2) + " dev isp" + i);
      }
      sysctl(modemSide, "net/ipv4/ip_forward", "1");
      nft(modemSide,
          "table ip lab_nat {\n  chain post {\n    type nat hook postrouting priority 100; policy accept;\n"
              + "    oifname \"uplink\" masquerade\n  }\n}\n");
      if (ipv6) {
        // Like the IPv4 masquerading: the LAN (or anything else not in the ISP's own prefix)
        // reaches the internet through any ISP; the router's own addresses go out unchanged.
        nft(modemSide,
            "table ip6 lab_nat {\n  chain post {\n"
                + "    type nat hook postrouting priority 100; policy accept;\n"
                + "    oifname \"uplink\" ip6 saddr != " + ipv6Prefix(i) + " masquerade\n  }\n}\n");
      }
    }
    batch(inet, inetBatch);
    if (lanClient) {
      String lan = lanNamespace();
      List<String> routerLan = new ArrayList<>(List.of(
          "link add name " + ROUTER_LAN_INTERFACE + " type veth peer name eth0 netns " + lan,
          "addr add " + ROUTER_LAN_ADDRESS.getHostAddress() + "/24 dev " + ROUTER_LAN_INTERFACE));
      List<String> client = new ArrayList<>(List.of(
          "addr add " + LAN_CLIENT_ADDRESS.getHostAddress() + "/24 dev eth0"));
      if (ipv6) {
        routerLan.add("addr add " + InetAddresses.toAddrString(ROUTER_LAN_ADDRESS_V6) + "/"
            + LAN_PREFIX_V6.length() + " dev " + ROUTER_LAN_INTERFACE);
        client.add("addr add " + InetAddresses.toAddrString(LAN_CLIENT_ADDRESS_V6) + "/"
            + LAN_PREFIX_V6.length() + " dev eth0");
      }
      routerLan.add("link set " + ROUTER_LAN_INTERFACE + " up");
      client.add("link set eth0 up");
      client.add("route add default via " + ROUTER_LAN_ADDRESS.getHostAddress() + " dev eth0");
      if (ipv6) {
        client.add("route add ::/0 via " + InetAddresses.toAddrString(ROUTER_LAN_ADDRESS_V6)
            + " dev eth0");
      }
      batch(rt, routerLan);
      batch(lan, client);
    }
    sysctl(rt, "net/ipv4/ip_forward", "1");
    // Lets unprivileged ICMP echo sockets work in the router, as on a stock distribution.
    sysctl(rt, "net/ipv4/ping_group_range", "0\t2147483647");
    if (routerMasquerade) {
      nft(rt,
          "table ip lab_nat {\n  chain post {\n    type nat hook postrouting priority 100; policy accept;\n"
              + "    oifname \"wan*\" masquerade\n  }\n}\n");
      if (ipv6) {
        nft(rt,
            "table ip6 lab_nat {\n  chain post {\n"
                + "    type nat hook postrouting priority 100; policy accept;\n"
                + "    oifname \"wan*\" masquerade\n  }\n}\n");
      }
    }
    if (ipv6) {
      for (Isp isp : isps) {
        startAdvertiser(isp);
      }
    }
    logger.info("lab '{}' up: {} ISPs, {} gateways{}{}", name, isps.size(),
        identicalGateways ? "identical" : "distinct",
        routerMasquerade ? ", router masquerades" : "", ipv6 ? ", dual-stack" : "");
  }

  /** Turns IPv6 on in {@code ns}, duplicate address detection off (see {@link Builder#ipv6}). */
  private void enableIpv6(String ns) throws IOException {
    for (String conf : List.of("all", "default")) {
      sysctl(ns, "net/ipv6/conf/" + conf + "/disable_ipv6", "0");
      sysctl(ns, "net/ipv6/conf/" + conf + "/accept_dad", "0");
    }
  }

  /** The address of {@code end} (1: the internet, 2: the ISP) on ISP {@code i}'s IPv6 transit. */
  private static String transitV6(int i, int end) {
    return "2001:db8:ff:" + i + "::" + end;
  }

  /** The {@code ip -batch} lines that give modem {@code isp} its IPv6 addresses on {@code lan}. */
  private List<String> modemIpv6(Isp isp) {
    return List.of(
        "addr replace " + InetAddresses.toAddrString(MODEM_LINK_LOCAL) + "/64 dev lan",
        "addr replace " + InetAddresses.toAddrString(ipv6Prefix(isp.index()).address())
            + "1/64 dev lan");
  }

  /** Routes the LAN's IPv6 prefix in ISP {@code isp} back to the router's link-local address. */
  private void routeLanBackV6(Isp isp) throws IOException {
    if (!lanClient) {
      return;
    }
    must(List.of("ip", "-n", isp.namespace(), "-6", "route", "replace", LAN_PREFIX_V6.toString(),
        "via", routerLinkLocal(isp), "dev", "lan"));
  }

  /**
   * The router's link-local address on its uplink to {@code isp}: the kernel makes it when the link
   * has a carrier (the modem's end up), at once since DAD is off; waits at most 5 s for it.
   */
  private String routerLinkLocal(Isp isp) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      CommandResult result = runner.run(List.of("ip", "-n", routerNamespace(), "-6", "-o", "addr",
          "show", "dev", isp.routerInterface(), "scope", "link"));
      String[] words = result.stdout().trim().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals("inet6")) {
          return words[i + 1].replaceFirst("/.*", "");
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("lab '" + name + "': no link-local address on "
            + isp.routerInterface() + " within 5 s: " + result.stdout().strip());
      }
      try {
        Thread.sleep(20); // polling step of a bounded wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
  }

  /** Starts radvd for {@code isp} unless it runs. */
  private void startAdvertiser(Isp isp) throws IOException {
    Path folder = checkNotNull(scratch, "scratch");
    synchronized (advertisers) {
      // close() empties the map under the same lock: no radvd may start after it.
      checkState(!closed, "lab '%s' is closed", name);
      RouterAdvertiser running = advertisers.get(isp.index());
      if (running != null && running.running()) {
        return;
      }
      if (running != null) {
        logger.warn("lab '{}': radvd of ISP {} had exited: {}", name, isp.index(), running.log());
        running.close();
      }
      try {
        String prefix = ipv6Prefix(isp.index()).toString();
        advertisers.put(
            isp.index(), RouterAdvertiser.start(isp.namespace(), "lan", prefix, folder));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while starting radvd of ISP " + isp.index(), e);
      }
    }
  }

  /** Restarts radvd for {@code isp} if it runs (after its interface was re-created). */
  private void restartAdvertiser(Isp isp) throws IOException {
    synchronized (advertisers) {
      RouterAdvertiser running = advertisers.remove(isp.index());
      if (running == null) {
        return;
      }
      running.close();
      startAdvertiser(isp);
    }
  }

  /** The PIDs of every radvd the lab runs now, children included; for tests of the clean-up. */
  List<Long> advertiserPids() {
    synchronized (advertisers) {
      return advertisers.values().stream().flatMap(a -> a.pids().stream()).toList();
    }
  }

  /** The scratch folder of an IPv6 lab, if it made one; for tests of the clean-up. */
  Optional<Path> scratchFolder() {
    return Optional.ofNullable(scratch);
  }

  private void deleteTree(Path folder) {
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      logger.warn("could not delete the scratch folder '{}'", folder, e);
    }
  }

  private static Inet6Address parseIpv6(String literal) {
    return toIpv6(InetAddresses.forString(literal).getAddress());
  }

  private static Inet6Address toIpv6(byte[] bytes) {
    checkArgument(bytes.length == 16, "an IPv6 address has 16 bytes, was %s", bytes.length);
    try {
      return Inet6Address.getByAddress(null, bytes, -1);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: " + bytes.length + " bytes", e);
    }
  }

  private void addNamespace(String ns) throws IOException {
    must(List.of("ip", "netns", "add", ns));
    synchronized (created) {
      created.add(ns);
    }
    must(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
  }

  private void batch(String ns, List<String> lines) throws IOException {
    String input = String.join("\n", lines) + "\n";
    CommandResult result = runner.run(List.of("ip", "-n", ns, "-batch", "-"), input, Duration.ofSeconds(20));
    if (!result.succeeded()) {
      throw new IOException("lab '" + name + "': ip -batch in " + ns + " failed (exit "
          + result.exitCode() + "): " + result.stderr().strip() + "\ninput:\n" + input);
    }
  }

  private void setFault(Isp isp, String statement) throws IOException {
    nft(isp.namespace(),
        "add table inet " + FAULT_TABLE + "\ndelete table inet " + FAULT_TABLE + "\n"
            + "table inet " + FAULT_TABLE + " {\n  chain faults {\n"
            + "    type filter hook forward priority -10; policy accept;\n    " + statement + "\n  }\n}\n");
  }

  private void nft(String ns, String script) throws IOException {
    CommandResult result =
        runner.run(List.of("ip", "netns", "exec", ns, "nft", "-f", "-"), script, Duration.ofSeconds(20));
    if (!result.succeeded()) {
      throw new IOException("lab '" + name + "': nft in " + ns + " failed (exit " + result.exitCode()
          + "): " + result.stderr().strip() + "\nscript:\n" + script);
    }
  }

  private void sysctl(String ns, String key, String value) throws IOException {
    try {
      Netns.call(ns, () -> {
        Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII);
        return null;
      });
    } catch (ExecutionException e) {
      throw new IOException("lab '" + name + "': cannot set " + key + " in " + ns, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private CommandResult must(List<String> command) throws IOException {
    CommandResult result = runner.run(command);
    if (!result.succeeded()) {
      throw new IOException("lab '" + name + "': " + String.join(" ", command) + " failed (exit "
          + result.exitCode() + "): " + result.stderr().strip());
    }
    return result;
  }

  @Override
  public String toString() {
    return "NamespaceLab[" + name + "]";
  }
}
