package dev.failover.core;

import com.google.common.base.Ticker;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.testkit.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Values shared by the core's tests: providers, results and a ticker over a fake clock. */
public final class Fixtures {
  /** A time at which nothing in particular happens. */
  public static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private Fixtures() {}

  /** Provider {@code isp<i>} on eth{@code i}, network 10.0.i.0/24, gateway .1, table 100+i. */
  public static Provider provider(int i) {
    return Provider.of(
        "isp" + i, "eth" + i, "10.0." + i + ".2", "10.0." + i + ".0/24", "10.0." + i + ".1",
        "isp" + i, 100 + i);
  }

  /** Providers isp1 .. isp{@code n}, in that priority order. */
  public static List<Provider> providers(int n) {
    List<Provider> providers = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      providers.add(provider(i));
    }
    return List.copyOf(providers);
  }

  /** A successful check of 10 ms. */
  public static TestResult ok() {
    return TestResult.success(Duration.ofMillis(10));
  }

  /** A failed check. */
  public static TestResult fail() {
    return TestResult.failure(Duration.ofMillis(5), "unreachable");
  }

  /** A round of one check, successful or not. */
  public static ProbeRound round(boolean succeeded) {
    return ProbeRound.of(T0, succeeded ? ok() : fail());
  }

  /** Guava's view of the fake clock's monotonic time. */
  public static Ticker ticker(FakeClock clock) {
    return new Ticker() {
      @Override
      public long read() {
        return clock.nanoTime();
      }
    };
  }
}
