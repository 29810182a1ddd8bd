package dev.failover.launcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.AddressFamily;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.launcher.DualStackStatuses;
import dev.failover.testkit.TestProviders;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The page's JSON per address family: each family's samples apart, each event says its family. */
class StatusPageJsonTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private final EventTimeline timeline = new EventTimeline();

  private static ObjectNode document(boolean ipv6) {
    ObjectNode document = JsonNodeFactory.instance.objectNode();
    document.putObject("main").put("provider", "isp1");
    if (ipv6) {
      document.putObject("ipv6").putObject("main").put("provider", "isp2");
    }
    return document;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static MainProviderSwitched switched(Provider from, Provider to, Instant at) {
    return new MainProviderSwitched(from, to, SwitchReason.FAILOVER, "down", at);
  }

  @Test
  void tree_ipv4OnlyDaemon_hasNoIpv6SamplesAndItsEventsSayIpv4() {
    List<Provider> providers = TestProviders.withSharedGateway(2);
    ProbeSamples samples = new ProbeSamples(Providers.of(providers));
    samples.onRoundRecorded(
        providers.get(0),
        ProbeRound.of(NOW.minusSeconds(10), TestResult.success(Duration.ofMillis(10))));
    timeline.onMainProviderSwitched(switched(providers.get(0), providers.get(1), NOW));

    ObjectNode json =
        new StatusPageJson(() -> document(false), samples, timeline, InstantSource.fixed(NOW))
            .tree();

    assertThat(json.has("ipv6_samples")).isFalse();
    assertThat(fieldNames(json.path("samples"))).containsExactly("isp1", "isp2");
    assertThat(json.path("timeline").get(0).path("family").asText()).isEqualTo("ipv4");
  }

  @Test
  void tree_dualStackDaemon_keepsEachFamilysSamplesApart() {
    List<Provider> providers = DualStackStatuses.providers();
    ProbeSamples samples = new ProbeSamples(Providers.of(providers));
    Provider isp1 = providers.get(0);
    samples.onRoundRecorded(
        isp1, ProbeRound.of(NOW.minusSeconds(10), TestResult.success(Duration.ofMillis(10))));
    samples
        .forFamily(AddressFamily.IPV6)
        .onRoundRecorded(
            isp1, ProbeRound.of(NOW.minusSeconds(10), TestResult.timeout(Duration.ofSeconds(1))));

    ObjectNode json =
        new StatusPageJson(() -> document(true), samples, timeline, InstantSource.fixed(NOW))
            .tree();

    assertThat(fieldNames(json.path("samples"))).containsExactly("isp1", "isp2", "isp3");
    assertThat(fieldNames(json.path("ipv6_samples"))).containsExactly("isp1", "isp2");
    JsonNode ipv4 = json.path("samples").path("isp1");
    assertThat(ipv4.path("loss_percent").get(0).asDouble()).isZero();
    assertThat(ipv4.path("rtt_ms").get(0).asDouble()).isEqualTo(10.0);
    JsonNode ipv6 = json.path("ipv6_samples").path("isp1");
    assertThat(ipv6.path("loss_percent").get(0).asDouble()).isEqualTo(100.0);
    assertThat(ipv6.path("rtt_ms").get(0).isNull()).isTrue();
  }

  @Test
  void tree_eventsOfBothEngines_sayTheirFamilyInTheOrderTheyCame() {
    List<Provider> providers = DualStackStatuses.providers();
    timeline.onMainProviderSwitched(switched(providers.get(0), providers.get(1), NOW));
    timeline
        .forFamily(AddressFamily.IPV6)
        .onMainProviderSwitched(switched(providers.get(1), providers.get(0), NOW.plusSeconds(1)));
    timeline
        .forFamily(AddressFamily.IPV4)
        .onMainProviderSwitched(switched(providers.get(1), providers.get(2), NOW.plusSeconds(2)));

    ObjectNode json =
        new StatusPageJson(
                () -> document(true),
                new ProbeSamples(Providers.of(providers)),
                timeline,
                InstantSource.fixed(NOW))
            .tree();

    List<String> events = new ArrayList<>();
    json.path("timeline")
        .forEach(e -> events.add(e.path("family").asText() + " " + e.path("to").asText()));
    assertThat(events).containsExactly("ipv4 isp2", "ipv6 isp1", "ipv4 isp3");
  }
}
