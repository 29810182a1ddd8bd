package dev.failover.launcher.http;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderStateChanged;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The newest {@value #CAPACITY} events of the engines (switches of the main provider and changes of
 * a provider's state), with their reasons and their address family, for the status page's
 * timeline.
 *
 * <p>One timeline for both families, so that the page shows them in the order they happened (an
 * uplink that fails in both families shows its two switches side by side), each entry saying its
 * family. The timeline itself is the IPv4 engine's listener; {@link #forFamily} gives the listener
 * of another family's engine, which adds to the same timeline.
 *
 * <p>A bounded queue: the oldest entry is dropped when a new one comes and it is full, so memory is
 * fixed (a few tens of KB). Thread-safe: the tick thread adds, HTTP threads copy.
 */
public final class EventTimeline implements FailoverListener {
  /** Entries kept; a flapping uplink fills it within minutes, a healthy router keeps days. */
  static final int CAPACITY = 200;

  private final ArrayDeque<Entry> entries = new ArrayDeque<>(CAPACITY);

  @Override
  public void onMainProviderSwitched(MainProviderSwitched event) {
    add(switched(event, AddressFamily.IPV4));
  }

  @Override
  public void onProviderStateChanged(ProviderStateChanged event) {
    add(stateChanged(event, AddressFamily.IPV4));
  }

  /**
   * The listener of {@code family}'s engine: its events go into this timeline, marked with {@code
   * family}. This timeline is itself the IPv4 engine's listener.
   */
  public FailoverListener forFamily(AddressFamily family) {
    checkNotNull(family, "family");
    if (family == AddressFamily.IPV4) {
      return this;
    }
    return new FailoverListener() {
      @Override
      public void onMainProviderSwitched(MainProviderSwitched event) {
        add(switched(event, family));
      }

      @Override
      public void onProviderStateChanged(ProviderStateChanged event) {
        add(stateChanged(event, family));
      }

      @Override
      public String toString() {
        return "EventTimeline[" + family + "]";
      }
    };
  }

  private static Entry switched(MainProviderSwitched event, AddressFamily family) {
    return new Entry(
        event.at(),
        Entry.MAIN_SWITCHED,
        "",
        event.previous().map(p -> p.id()).orElse(""),
        event.to().id(),
        event.reason().name(),
        event.detail(),
        family);
  }

  private static Entry stateChanged(ProviderStateChanged event, AddressFamily family) {
    return new Entry(
        event.at(),
        Entry.PROVIDER_STATE_CHANGED,
        event.provider().id(),
        event.from().state().name(),
        event.to().state().name(),
        "",
        event.to().reason(),
        family);
  }

  private synchronized void add(Entry entry) {
    if (entries.size() == CAPACITY) {
      entries.removeFirst();
    }
    entries.addLast(entry);
  }

  /** The entries, oldest first. */
  public synchronized List<Entry> entries() {
    return List.copyOf(entries);
  }

  /**
   * One event.
   *
   * @param at when the engine decided it
   * @param kind {@value #MAIN_SWITCHED} or {@value #PROVIDER_STATE_CHANGED}
   * @param provider the provider whose state changed; empty for a switch
   * @param from the previous main provider's id (empty at startup), or the previous state
   * @param to the new main provider's id, or the new state
   * @param reason the switch's category ({@code FAILOVER}, {@code FAILBACK}, ...); empty for a
   *     state change
   * @param detail the engine's or the policy's explanation, in words
   * @param family the address family of the engine that decided it
   */
  public record Entry(
      Instant at,
      String kind,
      String provider,
      String from,
      String to,
      String reason,
      String detail,
      AddressFamily family) {
    public static final String MAIN_SWITCHED = "main_switched";
    public static final String PROVIDER_STATE_CHANGED = "provider_state_changed";

    public Entry {
      checkNotNull(at, "at");
      checkNotNull(kind, "kind");
      checkNotNull(provider, "provider");
      checkNotNull(from, "from");
      checkNotNull(to, "to");
      checkNotNull(reason, "reason");
      checkNotNull(detail, "detail");
      checkNotNull(family, "family");
    }
  }
}
