package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import java.util.List;
import org.slf4j.Logger;

/**
 * Something a step of the engine ({@link EngineStep}) found worth telling: a value, so that the
 * step stays a pure function and a test can read what it said. The engine's shell publishes each
 * one in order: {@link #log} writes its line, then every listener hears it through {@link
 * #deliver}.
 *
 * <p>Log levels (STYLE.md section 9): INFO for a state change, a switch and a held first decision;
 * ERROR for a broken policy and a failed apply; WARN for a partial apply. A failure that repeats
 * the last one word for word is logged at DEBUG, so that an unplugged modem or a refused request
 * does not write a line on every tick for days.
 */
sealed interface EngineEvent {

  /** Writes this event's line to {@code logger}. */
  void log(Logger logger);

  /** Tells {@code listener}, if this event is one that listeners hear of. */
  default void deliver(FailoverListener listener) {}

  /** The listener method {@link #deliver} calls, for the log line of a listener that throws. */
  default String listenerMethod() {
    return "";
  }

  /** The policy threw; every provider keeps its previous status. */
  record PolicyFailed(String policy, RuntimeException error) implements EngineEvent {
    public PolicyFailed {
      checkNotNull(policy, "policy");
      checkNotNull(error, "error");
    }

    @Override
    public void log(Logger logger) {
      logger.error("policy '{}' failed; keeping every provider's previous status", policy, error);
    }
  }

  /** The policy returned no status for {@code provider}, which keeps its previous one. */
  record PolicyOmitted(String policy, Provider provider) implements EngineEvent {
    public PolicyOmitted {
      checkNotNull(policy, "policy");
      checkNotNull(provider, "provider");
    }

    @Override
    public void log(Logger logger) {
      logger.error(
          "policy '{}' returned no status for {}; keeping its previous status", policy, provider);
    }
  }

  /**
   * The policy moved a provider along a transition that {@link dev.failover.api.ProviderState}'s
   * table forbids; the provider keeps its previous status.
   */
  record IllegalTransition(String policy, String message) implements EngineEvent {
    public IllegalTransition {
      checkNotNull(policy, "policy");
      checkNotNull(message, "message");
    }

    @Override
    public void log(Logger logger) {
      logger.error(
          "policy '{}' made an illegal state change; keeping the previous status: {}",
          policy,
          message);
    }
  }

  /** A provider's state changed. */
  record StateChanged(ProviderStateChanged event) implements EngineEvent {
    public StateChanged {
      checkNotNull(event, "event");
    }

    @Override
    public void log(Logger logger) {
      logger.info(
          "{} is now {} (was {}): {}",
          event.provider(),
          event.to().state(),
          event.from().state(),
          event.to().reason());
    }

    @Override
    public void deliver(FailoverListener listener) {
      listener.onProviderStateChanged(event);
    }

    @Override
    public String listenerMethod() {
      return "onProviderStateChanged";
    }
  }

  /**
   * The first decision is held (the {@code holds}-th time) because {@code unjudged} rank above
   * {@code wouldBeMain} but have no verdict yet.
   */
  record FirstDecisionHeld(int holds, List<Provider> unjudged, Provider wouldBeMain)
      implements EngineEvent {
    public FirstDecisionHeld {
      unjudged = List.copyOf(checkNotNull(unjudged, "unjudged"));
      checkNotNull(wouldBeMain, "wouldBeMain");
    }

    @Override
    public void log(Logger logger) {
      logger.info(
          "first decision held ({} of at most {}): {} rank above {} but have no verdict yet;"
              + " the kernel's routes stay as they are meanwhile",
          holds,
          EngineStep.MAX_STARTUP_HOLDS,
          unjudged,
          wouldBeMain);
    }
  }

  /** The main provider changed (or was chosen for the first time). */
  record MainSwitched(MainProviderSwitched event) implements EngineEvent {
    public MainSwitched {
      checkNotNull(event, "event");
    }

    @Override
    public void log(Logger logger) {
      logger.info(
          "main provider: {} -> {} ({}): {}",
          event.from() == null ? "none" : event.from(),
          event.to(),
          event.reason(),
          event.detail());
    }

    @Override
    public void deliver(FailoverListener listener) {
      listener.onMainProviderSwitched(event);
    }

    @Override
    public String listenerMethod() {
      return "onMainProviderSwitched";
    }
  }

  /** Why a state was applied whole. */
  enum Applied {
    /** It differs from the last state applied whole: INFO. */
    NEW,
    /** It is the state whose last attempt failed: INFO. */
    AFTER_FAILURE,
    /** It is unchanged, re-asserted to repair drift: DEBUG. */
    REASSERTED
  }

  /** The backend applied {@code desired} whole. */
  record RoutesApplied(RoutingState desired, Applied why) implements EngineEvent {
    public RoutesApplied {
      checkNotNull(desired, "desired");
      checkNotNull(why, "why");
    }

    @Override
    public void log(Logger logger) {
      switch (why) {
        case NEW -> logger.info("applied routing state {}", describe(desired));
        case AFTER_FAILURE ->
            logger.info("applied routing state {} after a failure", describe(desired));
        case REASSERTED -> logger.debug("re-asserted routing state {}", describe(desired));
      }
    }

    @Override
    public void deliver(FailoverListener listener) {
      listener.onRoutesApplied(desired, ApplyOutcome.complete());
    }

    @Override
    public String listenerMethod() {
      return "onRoutesApplied";
    }
  }

  /**
   * The backend applied all of {@code desired} but the providers {@code outcome} names; {@code
   * repeated} if the last attempt ended exactly so (then DEBUG, else WARN).
   */
  record PartlyApplied(RoutingState desired, ApplyOutcome outcome, boolean repeated)
      implements EngineEvent {
    public PartlyApplied {
      checkNotNull(desired, "desired");
      checkNotNull(outcome, "outcome");
    }

    /** The failure in words, as the ledger and the status keep it. */
    static String message(ApplyOutcome outcome) {
      return "routing state applied only partly: " + outcome;
    }

    @Override
    public void log(Logger logger) {
      if (repeated) {
        logger.debug("{}; still", message(outcome));
      } else {
        logger.warn("{}; retrying", message(outcome));
      }
    }

    @Override
    public void deliver(FailoverListener listener) {
      listener.onRoutesApplied(desired, outcome);
    }

    @Override
    public String listenerMethod() {
      return "onRoutesApplied";
    }
  }

  /** How a failure compares with the last attempt's. */
  enum Repeat {
    /** The last attempt did not fail: ERROR with the stack trace. */
    FIRST,
    /** The last attempt failed otherwise: ERROR with the message. */
    DIFFERENT,
    /** The last attempt failed with the same message: DEBUG. */
    SAME
  }

  /** Applying {@code desired} failed. */
  record ApplyFailed(RoutingState desired, RouteBackendException failure, Repeat repeat)
      implements EngineEvent {
    public ApplyFailed {
      checkNotNull(desired, "desired");
      checkNotNull(failure, "failure");
      checkNotNull(repeat, "repeat");
    }

    /** The failure in words, as the ledger and the status keep it. */
    static String message(RouteBackendException failure) {
      return String.valueOf(failure.getMessage());
    }

    @Override
    public void log(Logger logger) {
      switch (repeat) {
        case FIRST ->
            logger.error("applying the routing state failed; retrying on the next tick", failure);
        case DIFFERENT ->
            logger.error(
                "applying the routing state failed again, differently; retrying: {}",
                message(failure));
        case SAME ->
            logger.debug(
                "applying the routing state still fails the same way: {}", message(failure));
      }
    }

    @Override
    public void deliver(FailoverListener listener) {
      listener.onApplyFailed(desired, failure);
    }

    @Override
    public String listenerMethod() {
      return "onApplyFailed";
    }
  }

  /** {@code [isp1 metric 100, isp2 metric 101]}. */
  private static String describe(RoutingState state) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < state.routes().size(); i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(state.routes().get(i).provider().id())
          .append(" metric ")
          .append(state.routes().get(i).metric());
    }
    return text.append(']').toString();
  }
}
