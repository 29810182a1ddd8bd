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
