package io.vaultgate.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.TestAbortedException;

/**
 * A test class whose catalog is PostgreSQL whatever the run's ({@code -D}{@value TestCatalog#PROPERTY}): while it
 * runs, {@link TestCatalog#postgresql()} is true, so {@link TestCatalog#open}, {@link TestCore} and {@link ChildJvm}
 * (whose child gets the setting) use this JVM's {@link PostgresCluster}. It is how an integration test runs a second
 * time on PostgreSQL in the same failsafe execution as its first run on SQLite, on the other test JVM at the same
 * time, instead of in an execution of its own after it: a subclass of the test carrying this annotation. The store
 * is not switched ({@link TestStore} follows {@code -D}{@value TestStore#PROPERTY} only).
 *
 * <p>The class is skipped (aborted, reported as skipped) where it would only repeat its superclass, on a run whose
 * catalog is PostgreSQL already, and where {@code -D}{@value #SKIP} is true (gateway-core's pom sets it from
 * {@code -DskipPostgresqlTests}). Test classes run one after another in a test JVM (JUnit's parallel execution is off
 * in gateway-core), so the switch is the JVM's while the class runs.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(OnPostgresql.Switch.class)
public @interface OnPostgresql {

    /** The system property that skips the classes carrying this annotation when {@code true}. */
    String SKIP = "vaultgate.test.skip-postgresql";

    /** Switches {@link TestCatalog#postgresql()} on for the class, or skips it. */
    final class Switch implements BeforeAllCallback, AfterAllCallback {

        private static volatile String running;

        @Override
        public void beforeAll(ExtensionContext context) {
            if (Boolean.parseBoolean(System.getProperty(SKIP, "false").strip().toLowerCase(Locale.ROOT))) {
                throw new TestAbortedException("-D" + SKIP + "=true (-DskipPostgresqlTests): the PostgreSQL runs "
                        + "are skipped");
            }
            if (TestCatalog.runOnPostgresql()) {
                throw new TestAbortedException("the run's catalog is PostgreSQL already (-D" + TestCatalog.PROPERTY
                        + "=postgresql): the tests ran on it under their own class");
            }
            running = context.getRequiredTestClass().getName();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            running = null;
        }

        /** True while a class carrying the annotation runs in this JVM. */
        static boolean active() {
            return running != null;
        }
    }
}
