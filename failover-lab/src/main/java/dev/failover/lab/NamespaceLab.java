package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import dev.failover.api.Ipv4;
import dev.failover.api.Ipv4Network;
import dev.failover.api.Provider;
import dev.failover.linux.CommandException;
import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
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
 * <p>Faults are injected inside the ISP namespaces or on the router's uplink: {@link #blackhole}
 * (nftables drops everything the ISP forwards), {@link #loss} (drops a random share with {@code
 * numgen random}, since the kernel may lack {@code sch_netem}), {@link #linkDown} (router side:
 * admin down, the kernel deletes the routes; far side: carrier loss, the routes stay flagged
 * {@code linkdown}), {@link #deleteInterface} and {@link #recreateInterface} (a modem unplugged
 * and plugged in again), {@link #deleteSourceRules} and {@link #addForeignDefaultRoute} (an
 * operator or a DHCP client touching the router's policy), and {@link #restore}.
 *
 * <p>{@link #close()} deletes every namespace the lab made (which deletes their interfaces and
 * nftables) after killing the processes left inside them; a JVM shutdown hook does the same for a
 * lab that was not closed. Methods may be called from several threads. Needs root, {@code ip} and
 * {@code nft}; see {@link #unavailableReason()}.
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
  private final CommandRunner runner;
  private final ImmutableList<Isp> isps;
  private final List<String> created = new ArrayList<>();
  private volatile boolean closed;

  private NamespaceLab(Builder builder) {
    this.name = builder.prefix + "-" + String.format(Locale.ROOT, "%04x", RANDOM.nextInt(0x10000));
    this.identicalGateways = builder.identicalGateways;
    this.routerMasquerade = builder.routerMasquerade;
    this.lanClient = builder.lanClient;
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

  /** Makes ISP {@code index} drop everything it forwards (the modem answers, the internet does not). */
  public void blackhole(int index) throws IOException {
    setFault(isp(index), "drop");
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
   * kernel deleted is restored: that is the backend's job. On the far side the ISP's own route back
   * to the LAN, which the kernel deleted with the modem's link, is put back, as the modem's own
   * configuration would: without it the LAN client hears no reply through that ISP.
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
   * the backend's job.
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
    modem.add("link set lan up");
    if (lanClient) {
      modem.add("route replace " + LAN_NETWORK + " via " + isp.routerAddress().getHostAddress()
          + " dev lan");
    }
    batch(isp.namespace(), modem);
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
   * Clears every fault of ISP {@code index}: no dropping, the uplink re-created if it was deleted,
   * both ends of the link up.
   */
  public void restore(int index) throws IOException {
    Isp isp = isp(index);
    nft(isp.namespace(), "add table inet " + FAULT_TABLE + "\ndelete table inet " + FAULT_TABLE + "\n");
    if (!interfaceExists(index)) {
      recreateInterface(index);
    }
    linkUp(index, LinkSide.FAR);
    linkUp(index, LinkSide.ROUTER);
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

    List<String> inetBatch = new ArrayList<>();
    for (Inet4Address target : TARGETS) {
      inetBatch.add("addr add " + target.getHostAddress() + "/32 dev lo");
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
      ispBatch.add("link set lan up");
      ispBatch.add("link set uplink up");
      ispBatch.add("route add default via 10.255." + i + ".1 dev uplink");
      if (lanClient) {
        // Without masquerading on the router, the LAN's replies must find their way back.
        ispBatch.add("route add " + LAN_NETWORK + " via " + isp.routerAddress().getHostAddress() + " dev lan");
      }
      batch(modemSide, ispBatch);
      inetBatch.add("addr add 10.255." + i + ".1/30 dev isp" + i);
      inetBatch.add("link set isp" + i + " up");
      sysctl(modemSide, "net/ipv4/ip_forward", "1");
      nft(modemSide,
          "table ip lab_nat {\n  chain post {\n    type nat hook postrouting priority 100; policy accept;\n"
              + "    oifname \"uplink\" masquerade\n  }\n}\n");
    }
    batch(inet, inetBatch);
    if (lanClient) {
      String lan = lanNamespace();
      batch(rt, List.of(
          "link add name " + ROUTER_LAN_INTERFACE + " type veth peer name eth0 netns " + lan,
          "addr add " + ROUTER_LAN_ADDRESS.getHostAddress() + "/24 dev " + ROUTER_LAN_INTERFACE,
          "link set " + ROUTER_LAN_INTERFACE + " up"));
      batch(lan, List.of(
          "addr add " + LAN_CLIENT_ADDRESS.getHostAddress() + "/24 dev eth0",
          "link set eth0 up",
          "route add default via " + ROUTER_LAN_ADDRESS.getHostAddress() + " dev eth0"));
    }
    sysctl(rt, "net/ipv4/ip_forward", "1");
    // Lets unprivileged ICMP echo sockets work in the router, as on a stock distribution.
    sysctl(rt, "net/ipv4/ping_group_range", "0\t2147483647");
    if (routerMasquerade) {
      nft(rt,
          "table ip lab_nat {\n  chain post {\n    type nat hook postrouting priority 100; policy accept;\n"
              + "    oifname \"wan*\" masquerade\n  }\n}\n");
    }
    logger.info("lab '{}' up: {} ISPs, {} gateways{}", name, isps.size(),
        identicalGateways ? "identical" : "distinct", routerMasquerade ? ", router masquerades" : "");
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
