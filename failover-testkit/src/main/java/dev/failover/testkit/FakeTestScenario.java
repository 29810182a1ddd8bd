package dev.failover.testkit;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TestScenario} scripted per provider, which counts its calls.
 *
 * <p>Each provider has a queue of scripted results, consumed one per call, and a standing result
 * returned once the queue is empty (success with 10 ms latency unless set). A scripted {@link
 * RuntimeException} is thrown instead of returning, to imitate a broken probe. Thread-safe.
 */
public final class FakeTestScenario implements TestScenario {
  private static final TestResult DEFAULT = TestResult.success(Duration.ofMillis(10));

  private final String name;
  private final AddressFamily family;
  private final Map<String, Deque<Object>> scripts = new HashMap<>();
  private final Map<String, Object> standing = new HashMap<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private final Map<String, Provider> lastChecked = new HashMap<>();

  /** An IPv4 scenario called {@code name} that succeeds for every provider until told otherwise. */
  public FakeTestScenario(String name) {
    this(name, AddressFamily.IPV4);
  }

  /**
   * A scenario of {@code family} called {@code name} that succeeds for every provider until told
   * otherwise. A check through a provider that is not resolved for {@code family} throws {@link
   * IllegalStateException}, as a real probe of the family could not be bound, so that a test sees
   * an engine hand a scenario a provider of the wrong family.
   */
  public FakeTestScenario(String name, AddressFamily family) {
    this.name = Objects.requireNonNull(name, "name");
    this.family = Objects.requireNonNull(family, "family");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public AddressFamily family() {
    return family;
  }

  @Override
  public synchronized TestResult check(Provider provider, Duration timeout) {
    if (!provider.resolvedFor(family)) {
      throw new IllegalStateException(
          name + " is an " + family + " check, but " + provider + " is not resolved for it");
    }
    calls.merge(provider.id(), 1, Integer::sum);
    lastChecked.put(provider.id(), provider);
    Deque<Object> script = scripts.get(provider.id());
    Object next =
        script != null && !script.isEmpty()
            ? script.removeFirst()
            : standing.getOrDefault(provider.id(), DEFAULT);
    if (next instanceof RuntimeException) {
      throw (RuntimeException) next;
    }
    return (TestResult) next;
  }

  /** Queues {@code results} for {@code providerId}, returned one per call before the standing one. */
  public synchronized FakeTestScenario script(String providerId, TestResult... results) {
    Deque<Object> script = scripts.computeIfAbsent(providerId, id -> new ArrayDeque<>());
    for (TestResult result : results) {
      script.addLast(Objects.requireNonNull(result, "result"));
    }
    return this;
  }

  /** Queues one thrown exception for {@code providerId}, imitating a broken probe. */
  public synchronized FakeTestScenario scriptThrow(String providerId, RuntimeException failure) {
    scripts
        .computeIfAbsent(providerId, id -> new ArrayDeque<>())
        .addLast(Objects.requireNonNull(failure, "failure"));
    return this;
  }

  /** Sets the result returned for {@code providerId} whenever its queue is empty. */
  public synchronized FakeTestScenario always(String providerId, TestResult result) {
    standing.put(providerId, Objects.requireNonNull(result, "result"));
    return this;
  }

  /** Makes every call for {@code providerId} throw {@code failure} once its queue is empty. */
  public synchronized FakeTestScenario alwaysThrow(String providerId, RuntimeException failure) {
    standing.put(providerId, Objects.requireNonNull(failure, "failure"));
    return this;
  }

  /**
   * The provider the last {@link #check} for {@code providerId} got, with the values it held (a
   * learned address, say); empty before the first.
   */
  public synchronized java.util.Optional<Provider> lastChecked(String providerId) {
    return java.util.Optional.ofNullable(lastChecked.get(providerId));
  }

  /** How many times {@link #check} ran for {@code providerId}. */
  public synchronized int calls(String providerId) {
    return calls.getOrDefault(providerId, 0);
  }
}
