package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RouteBackendException}: the message and the getters carry the same facts. */
class RouteBackendExceptionTest {

  @Test
  void new_failedCommand_messageNamesProviderCommandExitCodeAndStderr() {
    IllegalStateException cause = new IllegalStateException("boom");

    RouteBackendException e = new RouteBackendException("isp1", "replacing the route",
        List.of("ip", "route", "replace"), 2, "  RTNETLINK answers: No such device \n", cause);

    assertThat(e).hasMessage("provider 'isp1': replacing the route [command: ip route replace]"
        + " [exit code 2] [stderr: RTNETLINK answers: No such device]");
    assertThat(e.providerId()).contains("isp1");
    assertThat(e.command()).containsExactly("ip", "route", "replace");
    assertThat(e.exitCode()).hasValue(2);
    assertThat(e.stderr()).isEqualTo("RTNETLINK answers: No such device");
    assertThat(e.getCause()).isSameAs(cause);
  }

  @Test
  void new_withoutCommand_messageIsJustTheText() {
    RouteBackendException e = new RouteBackendException(null, "verification found table 101 empty");

    assertThat(e).hasMessage("verification found table 101 empty");
    assertThat(e.providerId()).isEmpty();
    assertThat(e.command()).isEmpty();
    assertThat(e.exitCode()).isEmpty();
    assertThat(e.stderr()).isEmpty();
    assertThat(e.getCause()).isNull();
  }

  @Test
  void new_exitCodeZeroWithoutStderr_showsTheExitCodeOnly() {
    RouteBackendException e =
        new RouteBackendException(null, "odd", List.of("ip"), 0, "", null);

    assertThat(e).hasMessage("odd [command: ip] [exit code 0]");
    assertThat(e.exitCode()).hasValue(0);
  }

  @Test
  void new_longStderr_isTrimmedTo2000Characters() {
    String exact = "e".repeat(2000);
    String longer = "e".repeat(2001);

    assertThat(new RouteBackendException(null, "x", List.of(), null, exact, null).stderr())
        .isEqualTo(exact);
    assertThat(new RouteBackendException(null, "x", List.of(), null, longer, null).stderr())
        .isEqualTo(exact + "...");
  }
}
