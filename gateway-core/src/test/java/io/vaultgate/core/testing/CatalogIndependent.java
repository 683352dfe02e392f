package io.vaultgate.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that opens neither a test catalog nor a test object store, so nothing it proves can depend
 * on the database or the storage: gateway-core's second surefire run (PostgreSQL and S3) leaves it out by its
 * tag {@value #TAG}, since that run would only repeat the first.
 *
 * <p>Checked, not trusted: while such a class runs, {@link TestCatalog#open} and {@link TestStore#open} (and so
 * {@link TestCore}) throw. A class that starts to use them fails on the first run until the annotation goes, and
 * with it the class is back in the PostgreSQL run. So a test that needs the catalog or store of the run opens
 * it through those helpers, never {@code Database.sqlite} of its own; a test of one component on a fixed backend
 * (the directory store, the S3 store on S3Proxy, SQLite's statement cache) does not follow the run's choice
 * either and may carry the annotation.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("catalog-independent")
@ExtendWith(CatalogIndependent.Guard.class)
public @interface CatalogIndependent {

    /** The JUnit tag, excluded by gateway-core's {@code postgresql} surefire execution. */
    String TAG = "catalog-independent";

    /** Holds the running {@code @CatalogIndependent} classes (a stack, for nested classes). */
    final class Guard implements BeforeAllCallback, AfterAllCallback {

        private static final Deque<String> RUNNING = new ArrayDeque<>();

        @Override
        public void beforeAll(ExtensionContext context) {
            synchronized (RUNNING) {
                RUNNING.push(context.getRequiredTestClass().getName());
            }
        }

        @Override
        public void afterAll(ExtensionContext context) {
            synchronized (RUNNING) {
                RUNNING.remove(context.getRequiredTestClass().getName());
            }
        }

        /** Throws if a {@code @CatalogIndependent} class is running, naming it and {@code what} it opened. */
        static void refuse(String what) {
            String running;
            synchronized (RUNNING) {
                running = RUNNING.peek();
            }
            if (running != null) {
                throw new IllegalStateException(running + " is @CatalogIndependent, so the PostgreSQL/S3 run of "
                        + "gateway-core leaves it out, but it opens " + what + ": remove the annotation");
            }
        }
    }
}
