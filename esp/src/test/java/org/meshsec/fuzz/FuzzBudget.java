package org.meshsec.fuzz;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The tries of a fuzz property: the small number its {@code @Property(tries = ...)} names (the CI
 * budget), unless the system property {@value #TRIES} asks for more, as a long run does:
 *
 * <pre>
 *   mvn -o -pl core -am test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dmeshsec.fuzz.tries=1000000 [-Dmeshsec.fuzz.seed=42]
 * </pre>
 *
 * {@value #SEED} replaces the fixed seed the property names, so a long run can explore another
 * sequence; a failure report names the seed to replay it. Stateless and thread-safe.
 */
public final class FuzzBudget implements AroundPropertyHook {
  /** System property: tries per fuzz property. */
  public static final String TRIES = "meshsec.fuzz.tries";

  /** System property: the random seed of every fuzz property. */
  public static final String SEED = "meshsec.fuzz.seed";

  /** Registered on a test class, it applies to every property in it. */
  @Override
  public PropagationMode propagateTo() {
    return PropagationMode.ALL_DESCENDANTS;
  }

  @Override
  public PropertyExecutionResult aroundProperty(
      PropertyLifecycleContext context, PropertyExecutor property) {
    Integer tries = Integer.getInteger(TRIES);
    if (tries != null && tries > 0) {
      context.attributes().setTries(tries);
    }
    String seed = System.getProperty(SEED);
    if (seed != null && !seed.isBlank()) {
      context.attributes().setSeed(seed);
    }
    return property.execute();
  }
}
