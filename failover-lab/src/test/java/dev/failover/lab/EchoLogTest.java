package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading {@code ping -D -O} lines, and the counts of a stretch of time. */
class EchoLogTest {
  private static final Duration INTERVAL = Duration.ofMillis(10);
  private static final long T0 = 1_800_000_000L;

  private final EchoLog log = new EchoLog(INTERVAL);

  /** The bracketed time of {@code millis} after T0, as ping -D prints it. */
  private static String at(long millis) {
    return String.format("[%d.%06d] ", T0 + millis / 1000, (millis % 1000) * 1000);
  }

  private static Instant instant(long millis) {
    return Instant.ofEpochSecond(T0).plusMillis(millis);
  }

  private void reply(long millis, long seq) {
    assertThat(
            log.accept(
                at(millis) + "64 bytes from 192.0.2.1: icmp_seq=" + seq + " ttl=62 time=0.100 ms"))
        .isTrue();
  }

  private void noAnswer(long millis, long seq) {
    assertThat(log.accept(at(millis) + "no answer yet for icmp_seq=" + seq)).isTrue();
  }

  @Test
  void accept_headerAndSummary_areIgnored() {
    assertThat(log.accept("PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.")).isFalse();
    assertThat(log.accept("5 packets transmitted, 5 received, 0% packet loss, time 65ms"))
        .isFalse();
    assertThat(log.echoes()).isEmpty();
  }

  @Test
  void count_runOfUnansweredEchoes_countsThemAndTheSilenceUntilTheNextReply() {
    reply(0, 1);
    reply(10, 2);
    noAnswer(30, 3); // sent at 20
    noAnswer(40, 4); // sent at 30
    assertThat(
            log.accept(at(40) + "From 10.10.0.1 icmp_seq=5 Destination Net Unreachable"))
        .isTrue(); // sent at 40
    reply(50, 6);

    LanClient.Count count = log.count(instant(-5), instant(100));

    assertThat(count.sent()).isEqualTo(6);
    assertThat(count.lost()).isEqualTo(3);
    // From the first lost echo (sent at 20 ms) to the next answered one (sent at about 50 ms).
    assertThat(count.silence()).isBetween(Duration.ofMillis(29), Duration.ofMillis(30));
  }

  @Test
  void count_lateReplyAfterNoAnswerYet_countsAsAnswered() {
    reply(0, 1);
    noAnswer(20, 2);
    reply(25, 2);
    reply(30, 3);

    assertThat(log.count(instant(0), instant(100)).lost()).isZero();
  }

  @Test
  void count_onlyEchoesSentInTheStretch() {
    noAnswer(10, 1); // sent at 0
    reply(10, 2);
    reply(20, 3);
    noAnswer(40, 4); // sent at 30

    LanClient.Count count = log.count(instant(5), instant(25));

    assertThat(count).isEqualTo(new LanClient.Count(2, 0, Duration.ZERO));
  }

  @Test
  void count_runOpenAtTheEnd_endsOneIntervalAfterItsLastEcho() {
    reply(0, 1);
    noAnswer(20, 2); // sent at 10
    noAnswer(30, 3); // sent at 20

    assertThat(log.count(instant(0), instant(100)).silence()).isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void accept_sequenceWraps_keepsCountingUp() {
    reply(0, 65_534);
    reply(10, 65_535);
    reply(20, 0);
    reply(30, 1);

    assertThat(log.echoes().keySet()).containsExactly(65_534L, 65_535L, 65_536L, 65_537L);
    assertThat(log.newest()).isEqualTo(instant(30));
  }
}
