package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.ProviderState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.core.StickyReading;
import dev.failover.launcher.DualStackStatuses;
import dev.failover.launcher.TestStatuses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status document of a daemon with an IPv6 engine (issue 16): both families, each apart. */
class StatusDocumentDualStackTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final Path FILE = Path.of("/run/failover/status.json");

  @TempDir Path dir;

  private static List<String> ids(JsonNode providers) {
    return providers.findValuesAsText("id");
  }

  @Test
  void toTree_ipv4OnlyDaemon_hasNeitherFamilyNorIpv6Key() throws IOException {
    StatusDocument document =
        StatusDocument.of(
            TestStatuses.afterOneTick(dir), Duration.ofSeconds(5), Path.of("sticky"), true, NOW);

    ObjectNode json = document.toTree();

    assertThat(json.has("family")).isFalse();
    assertThat(json.has("ipv6")).isFalse();
    assertThat(document.ipv6()).isEmpty();
    assertThat(document.engine(AddressFamily.IPV6)).isEmpty();
    assertThat(StatusDocument.parse(document.toJson(), FILE)).isEqualTo(document);
  }

  @Test
  void toTree_ipv6OnlyOutage_showsTheIpv6MainMovedAndTheIpv4MainNot() {
    StatusDocument document = DualStackStatuses.afterIpv6OutageOfIsp1(dir, NOW);

    ObjectNode json = document.toTree();

    assertThat(json.path("family").asText()).isEqualTo("ipv4");
    assertThat(json.path("main").path("provider").asText()).isEqualTo("isp1");
    assertThat(ids(json.path("providers"))).containsExactly("isp1", "isp2", "isp3");
    assertThat(json.path("providers").get(0).path("reliable").asBoolean()).isTrue();
    JsonNode six = json.path("ipv6");
    assertThat(six.path("family").asText()).isEqualTo("ipv6");
    assertThat(six.path("main").path("provider").asText()).isEqualTo("isp2");
    assertThat(six.path("main").path("reason").asText()).isEqualTo(SwitchReason.FAILOVER.name());
    assertThat(six.path("ranking").get(0).asText()).isEqualTo("isp2");
    // The IPv6 engine judges the providers that have IPv6 only.
    assertThat(ids(six.path("providers"))).containsExactly("isp1", "isp2");
    assertThat(six.path("providers").get(0).path("reliable").asBoolean()).isFalse();
    assertThat(six.path("providers").get(1).path("reliable").asBoolean()).isTrue();
    // The keys of an engine's status are the same in both blocks; the daemon's are at the top.
    for (String key :
        List.of(
            "interval", "status_at", "ticks", "policy", "main", "ranking", "start_metric",
            "sticky", "last_applied_at", "last_apply_error", "providers")) {
      assertThat(six.has(key)).as(key).isTrue();
    }
    for (String key : List.of("format", "written_at", "running", "pid", "check_interval")) {
      assertThat(six.has(key)).as(key).isFalse();
    }
  }

  @Test
  void parse_ofToJson_readsBothFamiliesBack() throws IOException {
    StatusDocument document = DualStackStatuses.afterIpv6OutageOfIsp1(dir, NOW);

    StatusDocument read = StatusDocument.parse(document.toJson(), FILE);

    assertThat(read.engine().mainProviderId()).isEqualTo("isp1");
    assertThat(read.ipv6().orElseThrow().mainProviderId()).isEqualTo("isp2");
    assertThat(read.engine(AddressFamily.IPV6)).isEqualTo(read.ipv6());
    // The text written again is the text read: nothing is lost or moved between the families.
    assertThat(read.toJson()).isEqualTo(document.toJson());
  }

  /** Handmade, so that every value of the IPv6 block can be compared after a round trip. */
  @Test
  void parse_ofToJson_keepsIpv6UplinksResolvedAndUnconfigured() throws IOException {
    Provider isp1 =
        Provider.of("isp1", "eth1", null, null, null, "isp1", 101)
            .withIpv6(
                Ipv6.parse("2001:db8:1::2"),
                Ipv6Network.parse("2001:db8:1::/64"),
                Ipv6.parse("fe80::1"))
            .withoutIpv4();
    EngineStatus ipv6 =
        engine(
            "isp1",
            List.of(
                report("isp1", ProviderResolution.resolved(isp1, AddressFamily.IPV6)),
                report(
                    "isp2",
                    ProviderResolution.unconfigured(
                        "isp2", AddressFamily.IPV6, "no IPv6 address yet"))));
    StatusDocument document =
        new StatusDocument(
            NOW,
            true,
            4242,
            Duration.ofSeconds(5),
            Path.of("sticky"),
            engine("isp2", List.of(report("isp1", null), report("isp2", null))),
            Optional.of(ipv6));

    ObjectNode json = document.toTree();

    JsonNode uplink = json.path("ipv6").path("providers").get(0).path("uplink");
    assertThat(uplink.path("ipv6_address").asText()).isEqualTo("2001:db8:1::2");
    assertThat(uplink.path("ipv6_prefix").asText()).isEqualTo("2001:db8:1::/64");
    assertThat(uplink.path("ipv6_gateway").asText()).isEqualTo("fe80::1");
    assertThat(uplink.has("ipv4_address")).isFalse();
    JsonNode unconfigured = json.path("ipv6").path("providers").get(1).path("uplink");
    assertThat(unconfigured.path("unconfigured").asText()).isEqualTo("no IPv6 address yet");
    assertThat(StatusDocument.parse(document.toJson(), FILE)).isEqualTo(document);
  }

  @Test
  void parse_ipv6BlockOfAnotherFamily_failsNamingTheKey() {
    ObjectNode tree = DualStackStatuses.afterIpv6OutageOfIsp1(dir, NOW).toTree();
    ((ObjectNode) tree.path("ipv6")).put("family", "ipv4");

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "status file /run/failover/status.json: key 'ipv6.family' must be \"ipv6\" but is"
                + " \"ipv4\"");
  }

  @Test
  void parse_ipv6BlockMissingAKey_failsNamingItsPath() {
    ObjectNode tree = DualStackStatuses.afterIpv6OutageOfIsp1(dir, NOW).toTree();
    ((ObjectNode) tree.path("ipv6").path("main")).remove("provider");

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessage("status file /run/failover/status.json: key 'ipv6.main.provider' is missing");
  }

  private static EngineStatus engine(String main, List<EngineStatus.ProviderReport> providers) {
    return new EngineStatus(
        NOW.minusMillis(1),
        7,
        "original",
        Duration.ofSeconds(5),
        main,
        SwitchReason.STARTUP,
        "the first decision",
        NOW.minusSeconds(30),
        providers.stream().map(EngineStatus.ProviderReport::id).toList(),
        200,
        StickyReading.absent(),
        NOW.minusSeconds(30),
        null,
        providers);
  }

  private static EngineStatus.ProviderReport report(
      String id, @Nullable ProviderResolution resolution) {
    return new EngineStatus.ProviderReport(
        id,
        ProviderState.UP,
        NOW.minusSeconds(60),
        "3 of 3 rounds answered",
        true,
        true,
        List.of(TestResult.Outcome.SUCCESS),
        3,
        0,
        0.0,
        Duration.ofMillis(10),
        resolution);
  }
}
