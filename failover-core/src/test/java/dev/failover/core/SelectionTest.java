package dev.failover.core;

import static dev.failover.core.Fixtures.T0;
import static dev.failover.core.Fixtures.provider;
import static dev.failover.core.Fixtures.providers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Provider;
import dev.failover.api.ProviderRoute;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.SwitchReason;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SelectionTest {
  private static final List<Provider> PROVIDERS = providers(3);

  /** Statuses of isp1, isp2, isp3 in that order. */
  private static Map<String, ProviderStatus> states(ProviderState... states) {
    Map<String, ProviderStatus> statuses = new HashMap<>();
    for (int i = 0; i < states.length; i++) {
      statuses.put("isp" + (i + 1), ProviderStatus.of(states[i], T0, "test"));
    }
    return statuses;
  }

  private static Decision select(Map<String, ProviderStatus> statuses, Decision previous) {
    return Selection.select(PROVIDERS, statuses, StickyReading.absent(), previous);
  }

  private static Decision select(Map<String, ProviderStatus> statuses) {
    return select(statuses, null);
  }

  private static List<String> ids(Decision decision) {
    return decision.ranked().stream().map(Provider::id).toList();
  }

  private static StickyReading sticky(String id) {
    return StickyReading.forced(id, "sticky file forces '" + id + "'");
  }

  @Test
  void select_allUp_firstInPriorityOrder() {
    Decision decision = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP));

    assertThat(decision.main()).isEqualTo(provider(1));
    assertThat(ids(decision)).containsExactly("isp1", "isp2", "isp3");
    assertThat(decision.basis()).isEqualTo(Decision.Basis.ELIGIBLE);
  }

  @Test
  void select_firstDown_secondIsMainAndFirstRankedLast() {
    Decision decision = select(states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP));

    assertThat(ids(decision)).containsExactly("isp2", "isp3", "isp1");
  }

  @Test
  void select_middleDown_eligibleBeforeRest() {
    Decision decision = select(states(ProviderState.UP, ProviderState.DOWN, ProviderState.UP));

    assertThat(ids(decision)).containsExactly("isp1", "isp3", "isp2");
  }

  @Test
  void select_suspectEligibleRecoveringNot() {
    Decision decision =
        select(states(ProviderState.RECOVERING, ProviderState.SUSPECT, ProviderState.UP));

    assertThat(ids(decision)).containsExactly("isp2", "isp3", "isp1");
  }

  @Test
  void select_missingStatus_notEligible() {
    Map<String, ProviderStatus> statuses = states(ProviderState.DOWN, ProviderState.UP);

    assertThat(ids(select(statuses))).containsExactly("isp2", "isp1", "isp3");
  }

  @Test
  void select_noneEligibleAtStartup_firstConfiguredProvider() {
    Decision decision =
        select(
            states(
                ProviderState.INSUFFICIENT_DATA,
                ProviderState.INSUFFICIENT_DATA,
                ProviderState.INSUFFICIENT_DATA));

    assertThat(ids(decision)).containsExactly("isp1", "isp2", "isp3");
    assertThat(decision.basis()).isEqualTo(Decision.Basis.FALLBACK);
    assertThat(decision.reason()).isEqualTo(SwitchReason.STARTUP);
    assertThat(decision.detail()).contains("no provider is eligible");
  }

  @Test
  void select_noneEligibleWithCurrentMain_keepsCurrentMain() {
    Decision before = select(states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.UP));

    Decision after =
        select(states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.DOWN), before);

    assertThat(ids(after)).containsExactly("isp3", "isp1", "isp2");
    assertThat(after.reason()).isEqualTo(SwitchReason.NONE_ELIGIBLE);
    assertThat(after.detail())
        .isEqualTo("no provider is eligible; keeping provider 'isp3' as main");
  }

  @Test
  void select_stickyNamesDownProvider_forcedAnyway() {
    Decision decision =
        Selection.select(
            PROVIDERS,
            states(ProviderState.UP, ProviderState.UP, ProviderState.DOWN),
            sticky("isp3"),
            null);

    assertThat(ids(decision)).containsExactly("isp3", "isp1", "isp2");
    assertThat(decision.basis()).isEqualTo(Decision.Basis.STICKY);
    assertThat(decision.detail()).contains("sticky file forces 'isp3'").contains("DOWN");
  }

  @Test
  void select_stickyNamesUnconfiguredProvider_ignored() {
    Decision decision =
        Selection.select(
            PROVIDERS,
            states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP),
            sticky("isp9"),
            null);

    assertThat(decision.main()).isEqualTo(provider(2));
    assertThat(decision.basis()).isEqualTo(Decision.Basis.ELIGIBLE);
  }

  @Test
  void select_stickyIgnoredReading_normalSelection() {
    Decision decision =
        Selection.select(
            PROVIDERS,
            states(ProviderState.UP, ProviderState.UP, ProviderState.UP),
            StickyReading.ignored("garbage"),
            null);

    assertThat(decision.main()).isEqualTo(provider(1));
  }

  @Test
  void select_mainFails_failover() {
    Decision before = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP));

    Decision after = select(states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP), before);

    assertThat(after.main()).isEqualTo(provider(2));
    assertThat(after.reason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(after.detail())
        .isEqualTo(
            "provider 'isp1' was main (DOWN: test); provider 'isp2' is the first eligible"
                + " provider (UP: test)");
  }

  @Test
  void select_preferredRecovers_failback() {
    Decision before = select(states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP));

    Decision after = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP), before);

    assertThat(after.main()).isEqualTo(provider(1));
    assertThat(after.reason()).isEqualTo(SwitchReason.FAILBACK);
  }

  @Test
  void select_mainUnchanged_keepsPreviousReason() {
    Decision before = select(states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP));
    Decision failover =
        select(states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.UP), before);

    Decision after =
        select(states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.UP), failover);

    assertThat(after.reason()).isEqualTo(SwitchReason.FAILOVER);
  }

  @Test
  void select_stickySetThenCleared_stickyThenStickyCleared() {
    Map<String, ProviderStatus> allUp =
        states(ProviderState.UP, ProviderState.UP, ProviderState.UP);
    Decision start = select(allUp);

    Decision forced = Selection.select(PROVIDERS, allUp, sticky("isp2"), start);
    Decision cleared = Selection.select(PROVIDERS, allUp, StickyReading.absent(), forced);

    assertThat(forced.reason()).isEqualTo(SwitchReason.STICKY);
    assertThat(cleared.main()).isEqualTo(provider(1));
    assertThat(cleared.reason()).isEqualTo(SwitchReason.STICKY_CLEARED);
  }

  @Test
  void select_stickyOnCurrentMain_reasonBecomesStickyWithoutSwitch() {
    Map<String, ProviderStatus> allUp =
        states(ProviderState.UP, ProviderState.UP, ProviderState.UP);
    Decision start = select(allUp);

    Decision forced = Selection.select(PROVIDERS, allUp, sticky("isp1"), start);

    assertThat(forced.main()).isEqualTo(start.main());
    assertThat(forced.reason()).isEqualTo(SwitchReason.STICKY);
  }

  @Test
  void select_stickyClearedWhileNoneEligible_keepsForcedProvider() {
    Map<String, ProviderStatus> allDown =
        states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.DOWN);
    Decision forced = Selection.select(PROVIDERS, allDown, sticky("isp3"), null);

    Decision cleared = Selection.select(PROVIDERS, allDown, StickyReading.absent(), forced);

    assertThat(cleared.main()).isEqualTo(provider(3));
    assertThat(cleared.reason()).isEqualTo(SwitchReason.NONE_ELIGIBLE);
  }

  @Test
  void routingState_ranking_metricsFromStartMetric() {
    Decision decision = select(states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP));

    assertThat(decision.routingState(dev.failover.api.AddressFamily.IPV4, 100).routes())
        .containsExactly(
            new ProviderRoute(provider(2), 100),
            new ProviderRoute(provider(3), 101),
            new ProviderRoute(provider(1), 102));
  }

  @Test
  void select_sameInputs_sameDecision() {
    Map<String, ProviderStatus> statuses =
        states(ProviderState.DOWN, ProviderState.SUSPECT, ProviderState.UP);

    assertThat(select(statuses)).isEqualTo(select(statuses));
  }

  private static Decision selectLinkDown(
      Map<String, ProviderStatus> statuses, Set<String> linkDown, Decision previous) {
    return Selection.select(PROVIDERS, statuses, linkDown, StickyReading.absent(), previous);
  }

  @Test
  void select_eligibleButLinkDown_notMainAndRankedLast() {
    Decision decision =
        selectLinkDown(
            states(ProviderState.UP, ProviderState.UP, ProviderState.UP), Set.of("isp1"), null);

    assertThat(decision.main()).isEqualTo(provider(2));
    assertThat(ids(decision)).containsExactly("isp2", "isp3", "isp1");
    assertThat(decision.basis()).isEqualTo(Decision.Basis.ELIGIBLE);
  }

  @Test
  void select_linkDown_rankedAfterUsableIneligible() {
    Decision decision =
        selectLinkDown(
            states(ProviderState.DOWN, ProviderState.UP, ProviderState.UP), Set.of("isp2"), null);

    assertThat(ids(decision)).containsExactly("isp3", "isp1", "isp2");
  }

  @Test
  void select_mainLinkDownNoneEligible_firstUsableTakesOverAsFailover() {
    Map<String, ProviderStatus> statuses =
        states(ProviderState.RECOVERING, ProviderState.DOWN, ProviderState.DOWN);
    Decision previous = selectLinkDown(statuses, Set.of("isp1"), null);
    assertThat(previous.main()).isEqualTo(provider(2));

    Decision decision = selectLinkDown(statuses, Set.of("isp2"), previous);

    // isp1 has the higher priority, but losing the main's link is a failover, not a failback.
    assertThat(decision.main()).isEqualTo(provider(1));
    assertThat(decision.basis()).isEqualTo(Decision.Basis.FALLBACK);
    assertThat(decision.reason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(decision.detail())
        .isEqualTo(
            "link of 'eth2' is down (provider 'isp2' was main, DOWN: test); no provider is"
                + " eligible; provider 'isp1' is not down (RECOVERING: test)");
    assertThat(ids(decision)).containsExactly("isp1", "isp3", "isp2");
  }

  @Test
  void select_mainLinkDownNoneEligibleEveryLinkDown_keepsMain() {
    Map<String, ProviderStatus> statuses =
        states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.DOWN);
    Decision previous = select(statuses);

    Decision decision = selectLinkDown(statuses, Set.of("isp1", "isp2", "isp3"), previous);

    assertThat(decision.main()).isEqualTo(provider(1));
    assertThat(decision.reason()).isEqualTo(SwitchReason.STARTUP);
    assertThat(ids(decision)).containsExactly("isp1", "isp2", "isp3");
  }

  @Test
  void select_stickyProviderLinkDown_ignoredNamingTheLink() {
    Decision decision =
        Selection.select(
            PROVIDERS,
            states(ProviderState.UP, ProviderState.UP, ProviderState.UP),
            Set.of("isp3"),
            sticky("isp3"),
            null);

    assertThat(decision.main()).isEqualTo(provider(1));
    assertThat(decision.basis()).isEqualTo(Decision.Basis.ELIGIBLE);
    assertThat(decision.detail())
        .startsWith("sticky provider 'isp3' ignored: link of 'eth3' is down; ");
  }

  /** The start-up hold's input: better-ranked providers with a usable link and no verdict yet. */
  @Test
  void unjudgedAhead_betterRankedWithoutVerdict_areListedUnlessTheirLinkIsDown() {
    Map<String, ProviderStatus> statuses =
        states(ProviderState.INSUFFICIENT_DATA, ProviderState.UP, ProviderState.INSUFFICIENT_DATA);
    Decision first = select(statuses);

    assertThat(first.main().id()).isEqualTo("isp2");
    assertThat(Selection.unjudgedAhead(PROVIDERS, statuses, Set.of(), first))
        .extracting(Provider::id)
        .containsExactly("isp1");
    assertThat(Selection.unjudgedAhead(PROVIDERS, statuses, Set.of("isp1"), first)).isEmpty();
    Map<String, ProviderStatus> judged =
        states(ProviderState.DOWN, ProviderState.UP, ProviderState.INSUFFICIENT_DATA);
    assertThat(Selection.unjudgedAhead(PROVIDERS, judged, Set.of(), select(judged))).isEmpty();
  }

  @Test
  void unjudgedAhead_fallbackDecision_isEmpty() {
    Map<String, ProviderStatus> statuses =
        states(
            ProviderState.INSUFFICIENT_DATA,
            ProviderState.INSUFFICIENT_DATA,
            ProviderState.INSUFFICIENT_DATA);
    Decision first = select(statuses);

    assertThat(first.basis()).isEqualTo(Decision.Basis.FALLBACK);
    assertThat(Selection.unjudgedAhead(PROVIDERS, statuses, Set.of(), first)).isEmpty();
  }

  @Test
  void select_mainDownOthersRecoveringNoneEligible_theRecoveringOneStandsIn() {
    Decision previous = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP));

    Decision decision =
        select(states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.RECOVERING), previous);

    assertThat(decision.main()).isEqualTo(provider(3));
    assertThat(decision.basis()).isEqualTo(Decision.Basis.FALLBACK);
    assertThat(decision.reason()).isEqualTo(SwitchReason.NONE_ELIGIBLE);
    assertThat(decision.detail())
        .contains("provider 'isp1' was main (DOWN")
        .contains("provider 'isp3' is not down (RECOVERING");
  }

  @Test
  void select_mainDownNoOtherBetter_keepsTheMain() {
    Decision previous = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP));

    Decision decision =
        select(states(ProviderState.DOWN, ProviderState.DOWN, ProviderState.DOWN), previous);

    assertThat(decision.main()).isEqualTo(provider(1));
    assertThat(decision.detail())
        .isEqualTo("no provider is eligible; keeping provider 'isp1' as main");
  }

  @Test
  void select_mainRecoveringNoneEligible_keepsTheMainRatherThanChurn() {
    Decision previous = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP));

    Decision decision =
        select(
            states(ProviderState.RECOVERING, ProviderState.DOWN, ProviderState.RECOVERING),
            previous);

    assertThat(decision.main()).isEqualTo(provider(1));
  }

  @Test
  void select_mainDownOtherOnlyUnjudged_keepsTheMain() {
    Decision previous = select(states(ProviderState.UP, ProviderState.UP, ProviderState.UP));

    Decision decision =
        select(
            states(ProviderState.DOWN, ProviderState.INSUFFICIENT_DATA, ProviderState.DOWN),
            previous);

    assertThat(decision.main()).isEqualTo(provider(1));
  }
}
