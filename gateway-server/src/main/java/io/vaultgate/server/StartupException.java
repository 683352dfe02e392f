package io.vaultgate.server;

/**
 * A resource the gateway needs at start-up is unusable: a port in use, an unwritable data directory, a
 * missing key file. Like a configuration error it stops start-up with one line that names the resource,
 * the problem and the fix, and exit code {@link ExitCodes#CONFIG}.
 */
public final class StartupException extends RuntimeException {
    public StartupException(String resource, String problem, String fix, Throwable cause) {
        super(resource + ": " + problem + "; " + fix, cause);
    }

    public StartupException(String resource, String problem, String fix) {
        this(resource, problem, fix, null);
    }
}
