package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PropertyTest {
  private final SystemProperties properties = new SystemProperties();

  private static final Function<SplittableRandom, List<Integer>> LISTS =
      random -> {
        List<Integer> list = new ArrayList<>();
        int size = random.nextInt(30);
        for (int i = 0; i < size; i++) {
          list.add(random.nextInt(100));
        }
        return list;
      };

  @BeforeEach
  void clearProperties() {
    properties.clear(Property.SEED_PROPERTY, Property.CASES_PROPERTY);
  }

  @AfterEach
  void restoreProperties() {
    properties.restore();
  }

  private static List<List<Integer>> generated(String name, int cases) {
    List<List<Integer>> seen = new ArrayList<>();
    Property.forAll(name, cases, LISTS, Shrinkers.none(), seen::add);
    return seen;
  }

  @Test
  void forAll_holdingProperty_runsEveryCaseWithoutThrowing() {
    assertThat(generated("sizes are small", 300)).hasSize(300);
  }

  @Test
  void forAll_sameName_sameCasesEveryRun() {
    List<List<Integer>> first = generated("reproducible", 50);

    assertThat(generated("reproducible", 50)).isEqualTo(first);
    assertThat(generated("another name", 50)).isNotEqualTo(first);
    assertThat(first.stream().distinct().count()).isGreaterThan(45);
  }

  @Test
  void forAll_failingProperty_reportsNameSeedCaseOriginalShrunkAndCause() {
    String name = "sum stays below 20";
    long seed = Property.seed(name);

    Throwable failure =
        catchThrowable(
            () ->
                Property.forAll(
                    name,
                    100,
                    LISTS,
                    Shrinkers.list(Shrinkers.integer(0)),
                    list -> {
                      int sum = list.stream().mapToInt(Integer::intValue).sum();
                      if (sum >= 20) {
                        throw new AssertionError("sum was " + sum);
                      }
                    }));

    assertThat(failure)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("property 'sum stays below 20' failed on case ")
        .hasMessageContaining("with seed " + seed)
        .hasMessageContaining("derived from the property's name")
        .hasMessageContaining("-Dfailover.testkit.seed=" + seed)
        .hasMessageContaining("\n  original: [")
        .hasMessageContaining("\n  shrunk (")
        .hasMessageContaining("): [20]\n")
        .hasMessageEndingWith("failure: java.lang.AssertionError: sum was 20");
    assertThat(failure.getCause()).isInstanceOf(AssertionError.class).hasMessage("sum was 20");
    assertThat(failure.getSuppressed()).hasSize(1);
    assertThat(failure.getSuppressed()[0].getMessage()).startsWith("sum was ");
  }

  @Test
  void forAll_failingCase_reportsTheFirstFailingIndexAndItsValue() {
    List<List<Integer>> cases = generated("first failure", 100);
    int expectedIndex = -1;
    for (int i = 0; i < cases.size(); i++) {
      if (cases.get(i).size() > 25) {
        expectedIndex = i;
        break;
      }
    }
    assertThat(expectedIndex).isNotNegative();

    Throwable failure =
        catchThrowable(
            () ->
                Property.forAll(
                    "first failure",
                    100,
                    LISTS,
                    Shrinkers.none(),
                    list -> assertThat(list).hasSizeLessThanOrEqualTo(25)));

    assertThat(failure)
        .hasMessageContaining("failed on case " + expectedIndex + " of 100")
        .hasMessageContaining("original: " + cases.get(expectedIndex))
        .hasMessageContaining("shrunk (0 shrinks in 0 steps): " + cases.get(expectedIndex));
  }

  @Test
  void forAll_seedProperty_replaysTheSameCasesUnderAnyName() {
    List<List<Integer>> byName = generated("original name", 20);
    long seed = Property.seed("original name");

    properties.set(Property.SEED_PROPERTY, Long.toString(seed));

    assertThat(Property.seed("some other name")).isEqualTo(seed);
    assertThat(generated("some other name", 20)).isEqualTo(byName);
    Throwable failure =
        catchThrowable(
            () -> Property.forAll("fixed", 1, LISTS, Shrinkers.none(), l -> fail()));
    assertThat(failure).hasMessageContaining("from -Dfailover.testkit.seed");
  }

  private static void fail() {
    throw new AssertionError("always");
  }

  @Test
  void seed_hexOrInvalidProperty_isParsedOrRejected() {
    properties.set(Property.SEED_PROPERTY, "0xff");
    assertThat(Property.seed("x")).isEqualTo(255);

    properties.set(Property.SEED_PROPERTY, "twelve");
    assertThatThrownBy(() -> Property.seed("x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failover.testkit.seed must be a long")
        .hasMessageContaining("'twelve'");
  }

  @Test
  void cases_property_scalesTheDefault() {
    assertThat(Property.cases(1000)).isEqualTo(1000);

    properties.set(Property.CASES_PROPERTY, "0.1");
    assertThat(Property.cases(1000)).isEqualTo(100);
    assertThat(Property.cases(3)).isEqualTo(1);

    properties.set(Property.CASES_PROPERTY, "10");
    assertThat(Property.cases(1000)).isEqualTo(10_000);

    properties.set(Property.CASES_PROPERTY, "-1");
    assertThatThrownBy(() -> Property.cases(1000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failover.testkit.cases must be a positive factor such as 0.1 or 10, was '-1'");
  }

  @Test
  void forAll_assumptionNotMet_discardsTheCase() {
    List<List<Integer>> checked = new ArrayList<>();

    Property.forAll(
        "assumptions",
        100,
        LISTS,
        Shrinkers.none(),
        list -> {
          Assumptions.assumeTrue(list.size() % 2 == 0);
          checked.add(list);
        });

    assertThat(checked).isNotEmpty().hasSizeLessThan(100).allMatch(l -> l.size() % 2 == 0);
  }

  @Test
  void forAll_everyCaseDiscarded_fails() {
    assertThatThrownBy(
            () ->
                Property.forAll(
                    "never", 10, LISTS, Shrinkers.none(), l -> Assumptions.assumeTrue(false)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("every one of its 10 cases was discarded");
  }

  @Test
  void forAll_checkThrowingAnException_isAFailureToo() {
    assertThatThrownBy(
            () ->
                Property.forAll(
                    "no exceptions",
                    50,
                    LISTS,
                    Shrinkers.list(Shrinkers.integer(0)),
                    list -> {
                      if (list.size() >= 4) {
                        list.get(list.size()); // an off-by-one that only long lists reach
                      }
                    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("): [0, 0, 0, 0]\n")
        .hasCauseInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void forAll_generatorThrowing_isReportedWithTheSeed() {
    assertThatThrownBy(
            () ->
                Property.forAll(
                    "broken generator",
                    5,
                    random -> {
                      throw new IllegalStateException("no values");
                    },
                    Shrinkers.none(),
                    value -> {}))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("-Dfailover.testkit.seed=")
        .hasMessageContaining("the generator failed")
        .hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void forAll_invalidArguments_throw() {
    assertThatThrownBy(() -> Property.forAll(" ", 1, LISTS, Shrinkers.none(), l -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name must not be blank");
    assertThatThrownBy(() -> Property.forAll("n", -1, LISTS, Shrinkers.none(), l -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cases must be >= 0, was -1");
  }

  @Test
  void caseRandom_sameSeedAndIndex_sameStream() {
    assertThat(Property.caseRandom(7, 3).nextLong()).isEqualTo(Property.caseRandom(7, 3).nextLong());
    assertThat(Property.caseRandom(7, 3).nextLong()).isNotEqualTo(Property.caseRandom(7, 4).nextLong());
  }
}
