package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab.LinkSide;
import dev.failover.linux.CommandResult;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab itself: wiring, faults and clean-up, against the real kernel. */
class NamespaceLabTest {
  private static NamespaceLab lab;

  @BeforeAll
  static void startLab() throws Exception {
    assumeTrue(NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    lab = NamespaceLab.builder("fl").build();
  }

  @AfterAll
  static void closeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void start_identicalGateways_everyModemReachesTheInternet() throws Exception {
    for (NamespaceLab.Isp isp : lab.isps()) {
      CommandResult ping = lab.exec(isp.namespace(), "ping", "-n", "-c", "1", "-W", "2", "192.0.2.1");
      assertThat(ping.exitCode()).as("ISP %s: %s", isp.index(), ping.stdout()).isZero();
      assertThat(isp.modemAddress().getHostAddress()).isEqualTo("192.168.1.1");
    }
  }

  @Test
  void start_always_routerReachesEachModemThroughItsOwnInterface() throws Exception {
    for (NamespaceLab.Isp isp : lab.isps()) {
      CommandResult ping = lab.exec(lab.routerNamespace(),
          "ping", "-n", "-c", "1", "-W", "2", "-I", isp.routerInterface(), "192.168.1.1");
      assertThat(ping.exitCode()).as("%s: %s", isp.routerInterface(), ping.stdout()).isZero();
    }
  }

  @Test
  void start_always_routerForwardsAndOpensPingGroupRange() throws Exception {
    // Read with cat: Java's readString returns only the first field of this procfs file.
    String forward = lab.exec(lab.routerNamespace(), "cat", "/proc/sys/net/ipv4/ip_forward").stdout().strip();
    String range =
        lab.exec(lab.routerNamespace(), "cat", "/proc/sys/net/ipv4/ping_group_range").stdout().strip();
    assertThat(forward).isEqualTo("1");
    assertThat(range).isEqualTo("0\t2147483647");
  }

  @Test
  void blackhole_thenRestore_dropsOnlyForwardedTrafficOfThatIsp() throws Exception {
    lab.blackhole(2);
    try {
      CommandResult lanSide = lab.exec(lab.isp(2).namespace(), "nft", "list", "table", "inet", "lab_fault");
      assertThat(lanSide.stdout()).contains("drop");
    } finally {
      lab.restore(2);
    }
    CommandResult after = lab.exec(lab.isp(2).namespace(), "nft", "list", "tables");
    assertThat(after.stdout()).doesNotContain("lab_fault");
  }

  @Test
  void linkDown_farSide_routerSeesNoCarrier() throws Exception {
    lab.linkDown(3, LinkSide.FAR);
    try {
      CommandResult link = lab.exec(lab.routerNamespace(), "ip", "link", "show", "wan3");
      assertThat(link.stdout()).contains("NO-CARRIER");
    } finally {
      lab.restore(3);
    }
    CommandResult link = lab.exec(lab.routerNamespace(), "ip", "link", "show", "wan3");
    assertThat(link.stdout()).doesNotContain("NO-CARRIER");
  }

  @Test
  void restore_afterFarSideLinkDown_putsTheIspRouteBackToTheLan() throws Exception {
    NamespaceLab.Isp isp = lab.isp(2);
    String back = "10.10.0.0/24 via " + isp.routerAddress().getHostAddress() + " dev lan";
    lab.linkDown(2, LinkSide.FAR);
    try {
      // The kernel deletes the route with the modem's link: that is what restore must repair.
      assertThat(lab.exec(isp.namespace(), "ip", "-4", "route", "show").stdout()).doesNotContain(back);
    } finally {
      lab.restore(2);
    }

    assertThat(lab.exec(isp.namespace(), "ip", "-4", "route", "show").stdout()).contains(back);
  }

  @Test
  void deleteInterface_thenRecreate_uplinkCarriesTrafficAgainWithTheSameAddresses()
      throws Exception {
    NamespaceLab.Isp isp = lab.isp(3);
    lab.deleteInterface(3);
    try {
      assertThat(lab.interfaceExists(3)).isFalse();
      assertThat(lab.exec(isp.namespace(), "ip", "link", "show", "lan").exitCode()).isNotZero();
    } finally {
      lab.recreateInterface(3);
    }

    assertThat(lab.interfaceExists(3)).isTrue();
    assertThat(lab.exec(lab.routerNamespace(), "ip", "-4", "addr", "show", "dev", "wan3").stdout())
        .contains(isp.routerAddress().getHostAddress() + "/24");
    CommandResult ping = lab.exec(lab.routerNamespace(),
        "ping", "-n", "-c", "1", "-W", "2", "-I", "wan3", "192.168.1.1");
    assertThat(ping.exitCode()).as(ping.stdout()).isZero();
    assertThat(lab.exec(isp.namespace(), "ip", "-4", "route", "show").stdout())
        .contains("10.10.0.0/24 via " + isp.routerAddress().getHostAddress() + " dev lan");
  }

  @Test
  void restore_afterDeleteInterface_recreatesIt() throws Exception {
    lab.deleteInterface(2);
    lab.restore(2);

    assertThat(lab.interfaceExists(2)).isTrue();
    CommandResult ping = lab.exec(lab.routerNamespace(),
        "ping", "-n", "-c", "1", "-W", "2", "-I", "wan2", "192.168.1.1");
    assertThat(ping.exitCode()).as(ping.stdout()).isZero();
  }

  @Test
  void deleteSourceRules_twoRulesFromTheAddress_deletesBothAndNoOther() throws Exception {
    String router = lab.routerNamespace();
    String own = lab.isp(1).routerAddress().getHostAddress();
    String other = lab.isp(2).routerAddress().getHostAddress();
    lab.exec(router, "ip", "rule", "add", "pref", "30000", "from", own, "lookup", "101");
    lab.exec(router, "ip", "rule", "add", "pref", "30001", "from", own, "lookup", "201");
    lab.exec(router, "ip", "rule", "add", "pref", "30000", "from", other, "lookup", "102");
    try {
      assertThat(lab.deleteSourceRules(1)).isEqualTo(2);

      String rules = lab.exec(router, "ip", "rule", "show").stdout();
      assertThat(rules).doesNotContain("from " + own + " ").contains("from " + other + " ");
      assertThat(lab.deleteSourceRules(1)).isZero();
    } finally {
      lab.deleteSourceRules(2);
    }
  }

  @Test
  void addForeignDefaultRoute_metricZero_isTheMainRouteWithProtocolDhcp() throws Exception {
    String router = lab.routerNamespace();
    lab.addForeignDefaultRoute(2, 0);
    try {
      String routes = lab.exec(router, "ip", "-4", "route", "show", "default").stdout();
      assertThat(routes).contains("default via 192.168.1.1 dev wan2 proto dhcp");
    } finally {
      lab.exec(router, "ip", "-4", "route", "flush", "exact", "0.0.0.0/0", "table", "main");
    }
  }

  @Test
  void close_always_removesEveryNamespace() throws Exception {
    NamespaceLab other = NamespaceLab.builder("fl").isps(1).lanClient(false).build();
    String router = other.routerNamespace();
    assertThat(Path.of("/run/netns", router)).exists();
    other.close();
    assertThat(Path.of("/run/netns", router)).doesNotExist();
    assertThat(Path.of("/run/netns", other.internetNamespace())).doesNotExist();
    assertThat(Path.of("/run/netns", other.isp(1).namespace())).doesNotExist();
  }
}
