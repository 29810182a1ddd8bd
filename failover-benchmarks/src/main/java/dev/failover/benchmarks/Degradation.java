package dev.failover.benchmarks;

import dev.failover.lab.EchoResponder;
import dev.failover.lab.NamespaceLab;
import java.io.IOException;
import java.time.Duration;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ways {@link FailoverBenchmark} makes ISP 1 worse without breaking it, each for one window:
 * random loss in both directions or in one, bursty loss, and a round-trip time that jumps while
 * the link keeps answering. Each says what the daemon should do about it (docs/benchmarks.md).
 */
enum Degradation {
  LOSS5("5 % loss, both directions", 5, Direction.BOTH, Expect.STAY),
  LOSS5_UP("5 % upstream loss", 5, Direction.UP, Expect.STAY),
  LOSS5_DOWN("5 % downstream loss", 5, Direction.DOWN, Expect.STAY),
  LOSS20("20 % loss, both directions", 20, Direction.BOTH, Expect.AT_MOST_ONE),
  LOSS20_UP("20 % upstream loss", 20, Direction.UP, Expect.ONE_QUICKLY),
  BURSTY(
      "bursty loss (Gilbert-Elliott: bursts of 50 % loss each way, 1 s on average, every 10 s on"
          + " average; 5 % on average)",
      5, Direction.BOTH, Expect.INFO),
  RTT_UP("round-trip time up 300 ms at once, link still answering", 0, Direction.BOTH, Expect.STAY);

  /** What the daemon should do. */
  enum Expect {
    /** No switch at all. */
    STAY,
    /** At most one switch, none back. */
    AT_MOST_ONE,
    /** Exactly one switch, none back, within {@link #FIRST_SWITCH_WITHIN}, LAN loss <= 5 %. */
    ONE_QUICKLY,
    /** Measured, no target. */
    INFO
  }

  enum Direction {
    BOTH,
    UP,
    DOWN
  }

  /** The 20 % upstream target's bound on the first switch. */
  static final Duration FIRST_SWITCH_WITHIN = Duration.ofSeconds(10);

  /** The 20 % upstream target's bound on what the LAN client loses over the window. */
  static final double MAX_LAN_LOSS_PERCENT = 5;

  /** The round-trip time {@link #RTT_UP} adds. */
  static final Duration RTT_STEP = Duration.ofMillis(300);

  private static final Logger logger = LoggerFactory.getLogger(Degradation.class);

  /** The bursty loss: the loss of the bad state, and the mean stays in each state. */
  private static final int BURST_LOSS_PERCENT = 50;

  private static final Duration MEAN_BURST = Duration.ofSeconds(1);
  private static final Duration MEAN_CALM = Duration.ofSeconds(9);

  final String label;
  final int percent;
  final Direction direction;
  final Expect expect;

  Degradation(String label, int percent, Direction direction, Expect expect) {
    this.label = label;
    this.percent = percent;
    this.direction = direction;
    this.expect = expect;
  }

  /** The report's target text. */
  String target() {
    return switch (expect) {
      case STAY -> "0 switches";
      case AT_MOST_ONE -> "<= 1, and no switch back";
      case ONE_QUICKLY ->
          "exactly 1, none back, the first within " + FIRST_SWITCH_WITHIN.toSeconds()
              + " s; LAN client loses <= " + (int) MAX_LAN_LOSS_PERCENT + " %";
      case INFO -> "-";
    };
  }

  /**
   * Degrades ISP 1 of {@code lab} for {@code window}, then restores it; returns when the window is
   * over. {@code random} draws the bursts.
   */
  void run(NamespaceLab lab, Duration window, SplittableRandom random)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + window.toNanos();
    try {
      switch (this) {
        case BURSTY -> bursts(lab, end, random);
        case RTT_UP -> {
          try (EchoResponder responder = EchoResponder.start(lab)) {
            responder.delay(1, RTT_STEP);
            sleepUntil(end);
            logger.info("echo responder answered {} pings", responder.answered());
          }
        }
        default -> {
          if (direction == Direction.BOTH) {
            lab.loss(1, percent);
          } else {
            lab.loss(1, percent, direction == Direction.UP);
          }
          sleepUntil(end);
        }
      }
    } finally {
      lab.restore(1);
    }
  }

  /** Alternates calm (no loss) and bursts, with exponentially distributed stays, until end. */
  private static void bursts(NamespaceLab lab, long end, SplittableRandom random)
      throws IOException, InterruptedException {
    boolean burst = false;
    int bursts = 0;
    while (System.nanoTime() < end) {
      Duration mean = burst ? MEAN_BURST : MEAN_CALM;
      long stay = (long) (-Math.log(1 - random.nextDouble()) * mean.toNanos());
      sleepUntil(Math.min(end, System.nanoTime() + stay));
      if (System.nanoTime() >= end) {
        break;
      }
      burst = !burst;
      if (burst) {
        bursts++;
        lab.loss(1, BURST_LOSS_PERCENT);
      } else {
        lab.restore(1);
      }
    }
    logger.info("bursty loss: {} bursts", bursts);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
    }
  }
}
