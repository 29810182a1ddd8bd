package dev.failover.examples.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.FailoverListener;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.core.EngineSettings;
import dev.failover.core.OriginalPolicy;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the embedding example for real (its own threads, a short cadence) and waits, with a
 * generous bound, for the callbacks its backend makes.
 */
class EmbeddedFailoverTest {

  @Test
  void embeddedEngine_mainFails_callbackMovesToBackup() throws Exception {
    List<Provider> providers = TestProviders.of(2);
    FakeTestScenario check = new FakeTestScenario("scripted");
    BlockingQueue<String> mains = new LinkedBlockingQueue<>();
    EngineSettings settings =
        new EngineSettings(Duration.ofMillis(20), Duration.ofMillis(10), 100, 50, 10);

    try (EmbeddedFailover failover =
        new EmbeddedFailover(
            settings,
            providers,
            List.of(check),
            OriginalPolicy.withDefaults(),
            new CallbackRouteBackend(main -> mains.add(main.id())),
            new FailoverListener() {})) {
      assertThat(mains.poll(10, TimeUnit.SECONDS)).isEqualTo("isp1");

      check.always("isp1", TestResult.timeout(Duration.ofMillis(10)));

      assertThat(mains.poll(10, TimeUnit.SECONDS)).isEqualTo("isp2");
      assertThat(failover.status()).isNotNull();
    }
  }
}
