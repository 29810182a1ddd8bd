package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderEvidence;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderResolution;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a running engine knows, as of its last tick or {@link FailoverEngine#decideNow() decision}:
 * the main provider and why, every provider's state, link and recent results, the sticky choice,
 * the cadence and the last routing failure. The launcher writes it to the status file that {@code
 * failover status} reads.
 *
 * <p>Immutable, so safe to read from any thread. Made of plain values (ids, enums, numbers,
 * instants, durations) so that it serialises as it is. A component that may be absent is
 * {@code @Nullable}; the methods without a component of the same name return it as an {@link
 * Optional}.
 *
 * @param at when this status was made: the end of the last tick or decision, or the engine's
 *     creation
 * @param ticks how many ticks ran
 * @param policy the reliability policy's name
 * @param interval the check interval in force after the last tick: {@code fast_check_interval}
 *     while a provider is in doubt ({@code SUSPECT}, {@code RECOVERING}, {@code
 *     INSUFFICIENT_DATA}), otherwise {@code check_interval}; half of {@code fast_check_interval}
 *     while a sequential test runs, three quarters of it after a silent round (see {@code
 *     EngineState.interval})
 * @param mainProviderId the main provider's id; null before the first decision
 * @param mainReason why the main provider is main (see {@link Selection}); null before the first
 *     tick
 * @param mainDetail the current justification of the main provider, in words; empty before the
 *     first decision
 * @param mainSince when the current main provider became main; null before the first decision
 * @param ranking the provider ids in the order of their default routes' metrics, main first; empty
 *     before the first decision
 * @param startMetric the metric of the first route of {@code ranking}; the others follow at +1, +2,
 *     ...
 * @param sticky the sticky choice read at the last tick
 * @param lastAppliedAt when the backend last applied the routing state successfully; null if never
 * @param lastApplyError the message of the last failed apply, if the last attempt failed; null
 *     otherwise
 * @param providers one report per configured provider, in priority order
 */
public record EngineStatus(
    Instant at,
    long ticks,
    String policy,
    Duration interval,
    @Nullable String mainProviderId,
    @Nullable SwitchReason mainReason,
    String mainDetail,
    @Nullable Instant mainSince,
    List<String> ranking,
    int startMetric,
    StickyReading sticky,
    @Nullable Instant lastAppliedAt,
    @Nullable String lastApplyError,
    List<ProviderReport> providers) {

  /**
   * @throws IllegalArgumentException if {@code ticks} is negative
   */
  public EngineStatus {
    checkNotNull(at, "at");
    checkNotNull(policy, "policy");
    checkNotNull(interval, "interval");
    checkArgument(interval.compareTo(Duration.ZERO) > 0, "interval must be > 0, was %s", interval);
    checkNotNull(mainDetail, "mainDetail");
    checkNotNull(sticky, "sticky");
    checkArgument(ticks >= 0, "ticks must be >= 0, was %s", ticks);
    ranking = List.copyOf(checkNotNull(ranking, "ranking"));
    providers = List.copyOf(checkNotNull(providers, "providers"));
  }

  /**
   * The status that {@code state} and {@code histories} show: what the engine publishes after each
   * step. A pure function, so the engine's shell only has to store it.
   *
   * @param state the engine's state after the step
   * @param histories every configured provider's history, in priority order
   * @param policy the policy's name
   * @param settings for the interval in force and the start metric
   * @param at the wall-clock time of the step
   * @param monotonicAt the same instant on the engine's monotonic timeline, on which the statuses'
   *     {@code since} are; each is shown as the wall time as long before {@code at}
   */
  static EngineStatus of(
      EngineState state,
      List<ProviderHistory> histories,
      String policy,
      EngineSettings settings,
      Instant at,
      Instant monotonicAt) {
    return of(state, histories, Map.of(), policy, settings, at, monotonicAt);
  }

  /**
   * As {@link #of(EngineState, List, String, EngineSettings, Instant, Instant)}, each report saying
   * what its provider is resolved to ({@code resolutions}, by id; a provider missing from it has no
   * resolution in its report).
   */
  static EngineStatus of(
      EngineState state,
      List<ProviderHistory> histories,
      Map<String, ProviderResolution> resolutions,
      String policy,
      EngineSettings settings,
      Instant at,
      Instant monotonicAt) {
    List<ProviderReport> reports = new ArrayList<>(histories.size());
    for (ProviderHistory h : histories) {
      String id = h.provider().id();
      ProviderStatus status = EngineStep.onWallClock(state.statuses().get(id), at, monotonicAt);
      reports.add(
          ProviderReport.of(h, status, !state.linkDown().contains(id), resolutions.get(id)));
    }
    Decision decision = state.decision();
    List<String> ranking = new ArrayList<>();
    if (decision != null) {
      for (Provider provider : decision.ranked()) {
        ranking.add(provider.id());
      }
    }
    ApplyLedger ledger = state.ledger();
    return new EngineStatus(
        at,
        state.ticks(),
        policy,
        state.interval(settings, unconfigured(resolutions), histories),
        decision == null ? null : decision.main().id(),
        decision == null ? null : decision.reason(),
        decision == null ? "" : decision.detail(),
        state.mainSince(),
        ranking,
        settings.startMetric(),
        state.sticky(),
        ledger.lastAppliedAt(),
        ledger.failure(),
        reports);
  }

  /**
   * As {@link #of(EngineState, List, String, EngineSettings, Instant, Instant)}, with the wall
   * clock and the monotonic timeline agreeing.
   */
  static EngineStatus of(
      EngineState state,
      List<ProviderHistory> histories,
      String policy,
      EngineSettings settings,
      Instant at) {
    return of(state, histories, policy, settings, at, at);
  }

  /** The ids of the providers that {@code resolutions} shows unconfigured. */
  static Set<String> unconfigured(Map<String, ProviderResolution> resolutions) {
    Set<String> ids = new HashSet<>();
    resolutions.forEach(
        (id, resolution) -> {
          if (!resolution.isResolved()) {
            ids.add(id);
          }
        });
    return ids;
  }

  /** The main provider's id, empty before the first decision. */
  public Optional<String> mainProvider() {
    return Optional.ofNullable(mainProviderId);
  }

  /** The message of the last apply, if it failed. */
  public Optional<String> applyError() {
    return Optional.ofNullable(lastApplyError);
  }

  /** The report on the provider {@code id}, if it is configured. */
  public Optional<ProviderReport> provider(String id) {
    return providers.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /**
   * What the engine knows about one provider.
   *
   * @param id the provider's id
   * @param state the policy's verdict
   * @param since when the provider entered {@code state}
   * @param reason the policy's reason, in words
   * @param eligible whether the policy lets the provider carry the main route (the original policy
   *     calls this "reliable"); the link is not taken into account, see {@link #selectable()}
   * @param linkUsable whether the provider's link is usable, as last reported to {@link
   *     FailoverEngine#linkChanged}; true until a link event says otherwise
   * @param recentOutcomes the outcomes of the newest rounds, oldest first, at most {@value
   *     FailoverEngine#RECENT_ROUNDS}: {@code SUCCESS} if every check of the round succeeded,
   *     otherwise the outcome of its first check that did not
   * @param storedRounds how many rounds the figures count: the policy's window where its status
   *     carries {@link ProviderEvidence figures}, otherwise every round the history holds
   * @param failedRounds how many of them failed, as the policy counts them (k of n targets for the
   *     damped policy); otherwise a round fails unless all its checks succeeded
   * @param lossPercent the packet loss, 0 to 100: the policy's own (per probe, over its window)
   *     where it reports one, otherwise the share of checks in the stored rounds that did not
   *     succeed; 0 when nothing is counted
   * @param meanLatency the mean latency of the successful checks in the stored rounds; null when
   *     there is none
   * @param resolution what the provider is now: resolved with the values in force (configured or
   *     learned from its interface), or unconfigured with the reason; null where not known (a
   *     status read from an older status file)
   */
  public record ProviderReport(
      String id,
      ProviderState state,
      Instant since,
      String reason,
      boolean eligible,
      boolean linkUsable,
      List<TestResult.Outcome> recentOutcomes,
      int storedRounds,
      int failedRounds,
      double lossPercent,
      @Nullable Duration meanLatency,
      @Nullable ProviderResolution resolution) {

    /** A report that does not say what the provider is resolved to. */
    public ProviderReport(
        String id,
        ProviderState state,
        Instant since,
        String reason,
        boolean eligible,
        boolean linkUsable,
        List<TestResult.Outcome> recentOutcomes,
        int storedRounds,
        int failedRounds,
        double lossPercent,
        @Nullable Duration meanLatency) {
      this(
          id,
          state,
          since,
          reason,
          eligible,
          linkUsable,
          recentOutcomes,
          storedRounds,
          failedRounds,
          lossPercent,
          meanLatency,
          null);
    }

    /**
     * @throws IllegalArgumentException if a count or the loss is out of its range
     */
    public ProviderReport {
      checkNotNull(id, "id");
      checkNotNull(state, "state");
      checkNotNull(since, "since");
      checkNotNull(reason, "reason");
      recentOutcomes = List.copyOf(checkNotNull(recentOutcomes, "recentOutcomes"));
      checkArgument(storedRounds >= 0, "storedRounds must be >= 0, was %s", storedRounds);
      checkArgument(
          failedRounds >= 0 && failedRounds <= storedRounds,
          "failedRounds must be between 0 and %s, was %s",
          storedRounds,
          failedRounds);
      checkArgument(
          lossPercent >= 0 && lossPercent <= 100,
          "lossPercent must be between 0 and 100, was %s",
          lossPercent);
    }

    /**
     * The report on {@code h}'s provider, whose status is {@code status}: the outcomes of the
     * newest {@value FailoverEngine#RECENT_ROUNDS} rounds, and the loss and mean latency over the
     * whole history.
     */
    static ProviderReport of(
        ProviderHistory h,
        ProviderStatus status,
        boolean linkUsable,
        @Nullable ProviderResolution resolution) {
      List<ProbeRound> rounds = h.rounds();
      List<TestResult.Outcome> recent = new ArrayList<>(FailoverEngine.RECENT_ROUNDS);
      for (int i = Math.max(0, rounds.size() - FailoverEngine.RECENT_ROUNDS);
          i < rounds.size();
          i++) {
        recent.add(outcome(rounds.get(i)));
      }
      int checks = 0;
      int lost = 0;
      int successes = 0;
      Duration latencySum = Duration.ZERO;
      for (ProbeRound round : rounds) {
        for (TestResult result : round.results()) {
          checks++;
          if (result.succeeded()) {
            successes++;
            latencySum = latencySum.plus(result.latency());
          } else {
            lost++;
          }
        }
      }
      // The policy's own figures where it reports them, so that the status never disagrees with
      // the verdict (the damped policy counts k of n targets and its own window); otherwise every
      // check of the history, a round failing unless all its checks succeeded.
      ProviderEvidence evidence = status.evidence();
      boolean own = evidence.reported();
      return new ProviderReport(
          h.provider().id(),
          status.state(),
          status.since(),
          status.reason(),
          status.eligible(),
          linkUsable,
          recent,
          own ? evidence.rounds() : h.size(),
          own ? evidence.failedRounds() : h.failedCount(),
          own ? evidence.lossPercent() : checks == 0 ? 0 : 100.0 * lost / checks,
          successes == 0 ? null : latencySum.dividedBy(successes),
          resolution);
    }

    /** {@code SUCCESS} if every check of {@code round} succeeded, else its first other outcome. */
    private static TestResult.Outcome outcome(ProbeRound round) {
      for (TestResult result : round.results()) {
        if (!result.succeeded()) {
          return result.outcome();
        }
      }
      return TestResult.Outcome.SUCCESS;
    }

    /**
     * Whether the provider may be chosen as main: eligible by its policy, its link usable, and not
     * unconfigured.
     */
    public boolean selectable() {
      return eligible && linkUsable && (resolution == null || resolution.isResolved());
    }

    /** Why the provider is unconfigured, empty when it is resolved (or not known). */
    public Optional<String> unconfiguredReason() {
      return resolution == null || resolution.isResolved()
          ? Optional.empty()
          : Optional.of(resolution.reason());
    }

    /** The mean latency of the successful checks, empty when there is none. */
    public Optional<Duration> averageLatency() {
      return Optional.ofNullable(meanLatency);
    }
  }
}
