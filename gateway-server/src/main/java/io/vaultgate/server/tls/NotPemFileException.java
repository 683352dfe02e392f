package io.vaultgate.server.tls;

import java.nio.file.Path;

/**
 * A certificate or key file a user named is not one the gateway can read: missing, DER or other binary content, or
 * text without the PEM block expected. The message names the option, the file, the problem and the fix; it is safe
 * to print (no file content). An {@link IllegalArgumentException}, so the command line prints it and exits 1.
 */
public final class NotPemFileException extends IllegalArgumentException {

    private final transient Path file;
    private final String source;
    private final String problem;
    private final String fix;

    NotPemFileException(String option, Path file, String problem, String fix, Throwable cause) {
        super(source(option, file) + ": " + problem + "; " + fix, cause);
        this.source = source(option, file);
        this.file = file;
        this.problem = problem;
        this.fix = fix;
    }

    private static String source(String option, Path file) {
        return option.isEmpty() ? file.toString() : option + " " + file;
    }

    public Path file() {
        return file;
    }

    /** The option and the file, e.g. {@code --cert /tmp/gw.der}. */
    public String source() {
        return source;
    }

    /** What is wrong with the file, e.g. {@code a DER (binary) file, PEM expected}. */
    public String problem() {
        return problem;
    }

    /** What to do, e.g. the {@code openssl} command that converts it. */
    public String fix() {
        return fix;
    }
}
