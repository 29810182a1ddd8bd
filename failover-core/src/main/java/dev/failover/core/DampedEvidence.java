package dev.failover.core;

import static com.google.common.base.Verify.verify;

import dev.failover.api.ProbeRound;
import dev.failover.api.ProviderHistory;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the {@link DampedPolicy}'s rules read from one provider's history, after the round rules
 * (k-of-n targets, the latency threshold, target correlation) have judged each of its newest
 * rounds: the two measures, each defined once, here.
 *
 * <ul>
 *   <li><b>Packet loss, per probe.</b> Each usable target of a round is one probe; it is lost
 *       unless it {@link #counts counts} as answered. The sequential loss test folds in the newest
 *       round's probes ({@link #newestLost()} of {@link #newestUsable()}); the status shows the
 *       window's ({@link #windowLostProbes()} of {@link #windowProbes()}).
 *   <li><b>Reachability, per round.</b> A round fails when too few of its targets answered (k of
 *       n): the consecutive-failure rule reads it, and the status shows the window's failed
 *       rounds.
 * </ul>
 *
 * <p>A round counts as failed when fewer than {@code min(min_targets_up, usable)} of its usable
 * targets succeeded, where a target is usable unless target correlation ignores it at that round
 * position, and a success slower than {@code max_latency} counts as a failure. See
 * docs/policy-damped.md for the exact correlation rule.
 *
 * <p>Cost: {@link #gather} looks at no more than {@code max(loss_window_rounds,
 * down_consecutive_failures, up_consecutive_successes)} of the newest rounds of each provider, and
 * at each of their results once or twice: O(providers × depth × targets) time, O(depth ×
 * targets) extra memory.
 *
 * @param consecutiveFailures how many of the newest judged rounds failed in a row, counting at most
 *     the depth looked at
 * @param consecutiveSuccesses how many of the newest judged rounds succeeded in a row, counting at
 *     most the depth looked at
 * @param windowFailures how many of the newest {@code windowSize} rounds failed (of those kept)
 * @param windowSize the window: {@code loss_window_rounds}, or the history's capacity if that is
 *     smaller
 * @param windowRounds how many rounds of the window the history holds: at most {@code windowSize}
 * @param windowProbes how many probes the window's rounds hold: one per usable target and round
 * @param windowLostProbes how many of them were lost (not answered, or answered too slowly)
 * @param newestSucceeded how many usable targets of the newest round succeeded; 0 with no rounds
 * @param newestUsable how many targets of the newest round were usable (not ignored by target
 *     correlation); 0 with no rounds
 */
record DampedEvidence(
    int consecutiveFailures,
    int consecutiveSuccesses,
    int windowFailures,
    int windowSize,
    int windowRounds,
    int windowProbes,
    int windowLostProbes,
    int newestSucceeded,
    int newestUsable) {

  /** The mask of a round position where target correlation ignores no target; never written. */
  private static final boolean[] NONE_IGNORED = new boolean[0];

  /** Packet loss of the window in percent, per probe; 0 with no probes. */
  double lossPercent() {
    return windowProbes == 0 ? 0 : 100.0 * windowLostProbes / windowProbes;
  }

  /** How many probes of the newest round were lost; 0 with no rounds. */
  int newestLost() {
    return newestUsable - newestSucceeded;
  }

  /**
   * The evidence of every history, in the same order.
   *
   * @param histories every configured provider's history; target correlation compares them
   */
  static List<DampedEvidence> gather(
      List<ProviderHistory> histories, DampedPolicySettings settings) {
    int[] depths = new int[histories.size()];
    List<ProviderHistory> correlated = new ArrayList<>(histories.size());
    int correlationDepth = Integer.MAX_VALUE;
    for (int p = 0; p < histories.size(); p++) {
      ProviderHistory history = histories.get(p);
      int wanted =
          Math.max(
              windowSize(history, settings),
              Math.max(settings.downConsecutiveFailures(), settings.upConsecutiveSuccesses()));
      depths[p] = Math.min(history.size(), wanted);
      if (takesPart(history, settings)) {
        correlated.add(history);
        // Correlation needs the round position on every provider: the shortest history limits it.
        correlationDepth = Math.min(correlationDepth, depths[p]);
      }
    }
    boolean[][] ignored =
        settings.targetCorrelation() && correlated.size() >= 2
            ? ignoredTargets(correlated, correlationDepth, settings)
            : new boolean[0][];
    List<DampedEvidence> evidence = new ArrayList<>(histories.size());
    for (int p = 0; p < histories.size(); p++) {
      ProviderHistory history = histories.get(p);
      evidence.add(
          judge(
              history,
              depths[p],
              takesPart(history, settings) ? ignored : new boolean[0][],
              settings));
    }
    return evidence;
  }

  /**
   * Whether target correlation compares this provider's rounds: not if it runs only targets of its
   * own (it shares none with the others).
   */
  private static boolean takesPart(ProviderHistory history, DampedPolicySettings settings) {
    return !settings.uncorrelatedProviders().contains(history.provider().id());
  }

  private static int windowSize(ProviderHistory history, DampedPolicySettings settings) {
    return Math.min(settings.lossWindowRounds(), history.capacity());
  }

  private static DampedEvidence judge(
      ProviderHistory history, int depth, boolean[][] ignored, DampedPolicySettings settings) {
    if (depth == 0) {
      return new DampedEvidence(0, 0, 0, windowSize(history, settings), 0, 0, 0, 0, 0);
    }
    int windowSize = windowSize(history, settings);
    int failures = 0;
    int successes = 0;
    boolean failureRunOpen = true;
    boolean successRunOpen = true;
    int windowFailures = 0;
    int windowRounds = 0;
    int windowProbes = 0;
    int windowLostProbes = 0;
    int newestSucceeded = 0;
    int newestUsable = 0;
    for (int position = 0; position < depth; position++) {
      ProbeRound round = roundAt(history, position);
      boolean[] skip = position < ignored.length ? ignored[position] : NONE_IGNORED;
      int succeeded = 0;
      int usable = 0;
      List<TestResult> results = round.results();
      for (int t = 0; t < results.size(); t++) {
        if (t < skip.length && skip[t]) {
          continue;
        }
        usable++;
        if (counts(results.get(t), settings.maxLatency())) {
          succeeded++;
        }
      }
      // Correlation never ignores every target of a round: it keeps one that answered somewhere.
      verify(usable > 0, "target correlation left no usable target at position %s", position);
      boolean ok = succeeded >= Math.min(settings.minTargetsUp(), usable);
      if (position == 0) {
        newestSucceeded = succeeded;
        newestUsable = usable;
      }
      if (position < windowSize) {
        windowRounds++;
        windowProbes += usable;
        windowLostProbes += usable - succeeded;
        if (!ok) {
          windowFailures++;
        }
      }
      failureRunOpen &= !ok;
      successRunOpen &= ok;
      if (failureRunOpen) {
        failures++;
      }
      if (successRunOpen) {
        successes++;
      }
    }
    return new DampedEvidence(
        failures,
        successes,
        windowFailures,
        windowSize,
        windowRounds,
        windowProbes,
        windowLostProbes,
        newestSucceeded,
        newestUsable);
  }

  /**
   * Which targets to ignore at each round position (0 = newest), for positions below {@code
   * depth}; an entry is empty where none is ignored.
   *
   * <p>The rule: only the shared targets are compared, the first {@code n} results of each round,
   * where {@code n} is {@link DampedPolicySettings#sharedTargets()} (the global test cases, which
   * come first in the rounds of every provider that keeps them) and the providers compared are
   * those not in {@link DampedPolicySettings#uncorrelatedProviders()} ({@code histories} holds only
   * those). Without {@code sharedTargets}, every result is shared, and a position is compared only
   * if every provider's round there has the same number of results. At a position where {@code n
   * >= 2} and every provider's round has at least {@code n} results, shared target {@code t} is
   * ignored on every provider compared if it failed on every one of them and some other shared
   * target succeeded on at least one. A target that fails everywhere while the others answer
   * somewhere is a bad target, not a bad uplink. When every shared target fails everywhere nothing
   * is ignored: that is an outage of every uplink, or of the router itself. A provider's own
   * targets are never compared: on another provider, the same index is another target.
   */
  private static boolean[][] ignoredTargets(
      List<ProviderHistory> histories, int depth, DampedPolicySettings settings) {
    Optional<Duration> maxLatency = settings.maxLatency();
    boolean[][] ignored = new boolean[depth][];
    Arrays.fill(ignored, NONE_IGNORED);
    for (int position = 0; position < depth; position++) {
      int n;
      if (settings.sharedTargets().isPresent()) {
        n = settings.sharedTargets().getAsInt();
        if (n < 2 || !atLeastTargets(histories, position, n)) {
          continue;
        }
      } else {
        n = roundAt(histories.get(0), position).results().size();
        if (n < 2 || !sameTargetCount(histories, position, n)) {
          continue;
        }
      }
      boolean[] failedEverywhere = new boolean[n];
      Arrays.fill(failedEverywhere, true);
      boolean anySucceeded = false;
      for (ProviderHistory history : histories) {
        List<TestResult> results = roundAt(history, position).results();
        for (int t = 0; t < n; t++) {
          if (counts(results.get(t), maxLatency)) {
            failedEverywhere[t] = false;
            anySucceeded = true;
          }
        }
      }
      // A target that succeeded somewhere is not failedEverywhere, so anySucceeded means "some
      // other target succeeded" for every target marked below.
      if (anySucceeded) {
        ignored[position] = anyTrue(failedEverywhere) ? failedEverywhere : NONE_IGNORED;
      }
    }
    return ignored;
  }

  private static boolean sameTargetCount(List<ProviderHistory> histories, int position, int n) {
    for (ProviderHistory history : histories) {
      if (roundAt(history, position).results().size() != n) {
        return false;
      }
    }
    return true;
  }

  private static boolean atLeastTargets(List<ProviderHistory> histories, int position, int n) {
    for (ProviderHistory history : histories) {
      if (roundAt(history, position).results().size() < n) {
        return false;
      }
    }
    return true;
  }

  private static boolean anyTrue(boolean[] values) {
    for (boolean value : values) {
      if (value) {
        return true;
      }
    }
    return false;
  }

  /** The round {@code position} places back from the newest (0 = newest). */
  private static ProbeRound roundAt(ProviderHistory history, int position) {
    return history.rounds().get(history.size() - 1 - position);
  }

  /** Whether a result counts as a success: it succeeded, and not slower than the threshold. */
  static boolean counts(TestResult result, Optional<Duration> maxLatency) {
    return result.succeeded()
        && (maxLatency.isEmpty() || result.latency().compareTo(maxLatency.get()) <= 0);
  }
}
