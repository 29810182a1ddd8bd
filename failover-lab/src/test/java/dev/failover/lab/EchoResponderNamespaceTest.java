package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.linux.CommandResult;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lab's echo responder and one-direction loss, against the real kernel. */
class EchoResponderNamespaceTest {
  private static final Pattern RTT = Pattern.compile("time=([0-9.]+) ms");
  private static NamespaceLab lab;

  @BeforeAll
  static void startLab() throws Exception {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    lab = NamespaceLab.builder("fl").lanClient(false).build();
  }

  @AfterAll
  static void closeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  private static CommandResult pingFrom(int isp) throws Exception {
    return lab.exec(lab.isp(isp).namespace(), "ping", "-n", "-c", "1", "-W", "3", "198.51.100.1");
  }

  private static String echoIgnoreAll() throws Exception {
    return lab.exec(lab.internetNamespace(), "cat", "/proc/sys/net/ipv4/icmp_echo_ignore_all")
        .stdout()
        .strip();
  }

  private static String faultTable(int isp) throws Exception {
    return lab.exec(lab.isp(isp).namespace(), "nft", "list", "table", "inet", "lab_fault").stdout();
  }

  private static double rttMillis(CommandResult ping) {
    Matcher matcher = RTT.matcher(ping.stdout());
    assertThat(matcher.find()).as(ping.stdout()).isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  @Test
  void delay_oneIsp_itsRepliesComeThatLateAndTheOthersAreAnswered() throws Exception {
    try (EchoResponder responder = EchoResponder.start(lab)) {
      responder.delay(1, Duration.ofMillis(300));

      CommandResult slow = pingFrom(1);
      CommandResult other = pingFrom(2);

      assertThat(slow.exitCode()).as(slow.stdout()).isZero();
      assertThat(rttMillis(slow)).isGreaterThanOrEqualTo(300);
      assertThat(other.exitCode()).as(other.stdout()).isZero();
      assertThat(responder.answered()).isEqualTo(2);
    }
    CommandResult kernelAgain = pingFrom(1);
    assertThat(kernelAgain.exitCode()).as(kernelAgain.stdout()).isZero();
    assertThat(echoIgnoreAll()).isEqualTo("0");
  }

  @Test
  void start_kernelRepliesOff_onlyTheResponderAnswers() throws Exception {
    try (EchoResponder responder = EchoResponder.start(lab)) {
      String ignore = echoIgnoreAll();
      CommandResult ping = pingFrom(3);

      assertThat(ignore).isEqualTo("1");
      assertThat(ping.exitCode()).as(ping.stdout()).isZero();
      assertThat(responder.answered()).isEqualTo(1);
    }
  }

  @Test
  void loss_oneDirection_ruleMatchesOnlyThatSide() throws Exception {
    try {
      lab.loss(2, 20, true);
      String upstream = faultTable(2);
      lab.loss(2, 20, false);
      String downstream = faultTable(2);

      assertThat(upstream).contains("iifname \"lan\"").contains("< 20").doesNotContain("oifname");
      assertThat(downstream).contains("oifname \"lan\"").contains("< 20").doesNotContain("iifname");
    } finally {
      lab.restore(2);
    }
  }
}
