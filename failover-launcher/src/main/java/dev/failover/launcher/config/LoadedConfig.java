package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * A config that {@link ConfigLoader#check} accepted, with what is valid but probably not meant,
 * for {@code check-config} to point out.
 *
 * @param config the checked config
 * @param notes one sentence each, in a stable order, such as keys of a policy that is not selected;
 *     empty when there is nothing to point out
 */
public record LoadedConfig(FailoverConfig config, List<String> notes) {

  /**
   * @throws NullPointerException if an argument is null
   */
  public LoadedConfig {
    checkNotNull(config, "config");
    notes = List.copyOf(checkNotNull(notes, "notes"));
  }
}
