package io.vaultgate.core.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child JVM of a test over the test's home directory, on the same catalog: a gateway the test kills with SIGKILL
 * and reopens, as {@code CrashSafetyIT} does. The child gets this run's {@code -D}{@value TestCatalog#PROPERTY} and,
 * on PostgreSQL, attaches to this JVM's cluster ({@link PostgresCluster#childEnvironment()}) instead of starting one
 * that the kill would leave running. The catalog of {@code home} is created here, before the child starts, so that
 * this JVM owns it (and drops it once the home is gone) and a restarted child finds the same one. The child's store
 * is always the home's directory ({@code home/objects}): an S3 store lives in this JVM's S3Proxy, which a child
 * cannot reach.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /** A process builder for {@code main(args)} of {@code mainClass} on this JVM's class path, over {@code home}. */
    public static ProcessBuilder over(Path home, Class<?> mainClass, String... args) {
        if (TestStore.s3()) {
            throw new IllegalStateException("a child JVM cannot reach this JVM's S3Proxy (-D" + TestStore.PROPERTY
                    + "=s3): its store is the home's directory");
        }
        TestCatalog.open(home).close();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // as the server's ITs start their child gateways: the child lives a few seconds, so C2 compiling and
                // G1's threads cost it CPU it never gets back (to its first acknowledged upload: 3.6-4.0 s CPU
                // instead of 6.4-7.2 s, at a like number of uploads a second after it)
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                "-D" + TestCatalog.PROPERTY + "=" + (TestCatalog.postgresql() ? "postgresql" : "sqlite"),
                mainClass.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (TestCatalog.postgresql()) {
            builder.environment().putAll(PostgresCluster.childEnvironment());
        }
        return builder;
    }
}
