package io.vaultgate.server;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts making the {@link ChildJvmArchive} as the first test class of a JVM starts, so that it is ready by the time
 * the classes that start child JVMs run. Registered for JUnit's extension auto-detection, which only the failsafe
 * runs turn on (gateway-server's pom): the unit tests start no child of the jar, and it is not built yet when they
 * run.
 */
public final class ChildJvmArchiveExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        ChildJvmArchive.prepareInBackground();
    }
}
