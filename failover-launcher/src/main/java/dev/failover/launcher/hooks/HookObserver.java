package dev.failover.launcher.hooks;

/**
 * Hears what the {@link HookRunner} does, for the metrics. Called on the hooks' thread (and, for a
 * dropped event, on the thread that submitted it); must return quickly and not throw.
 */
public interface HookObserver {

  /** A hook started for {@code event}. */
  default void hookStarted(String hook, HookEvent event) {}

  /** A hook ended (or could not start) for {@code event}. */
  default void hookFinished(String hook, HookEvent event, HookResult.Outcome outcome) {}

  /**
   * A hook, or the whole folder ({@code hook} is then {@code hooks_dir}), was refused for {@code
   * event} (not owned by root, or writable by group or others); the runner logged why.
   */
  default void hookRefused(String hook, HookEvent event) {}

  /** {@code event} was dropped: too many events were waiting, or the runner had stopped. */
  default void eventDropped(HookEvent event) {}
}
