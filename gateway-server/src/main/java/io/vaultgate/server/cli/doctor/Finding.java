package io.vaultgate.server.cli.doctor;

import java.util.Objects;

/**
 * One problem {@code vaultgate doctor} found: which check, what it concerns (a file, a tenant, a listener),
 * what is wrong and how to fix it. Printed as one line: {@code check: subject: problem; fix}.
 */
public record Finding(String check, String subject, String problem, String fix) {

    public Finding {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(fix, "fix");
    }

    public String line() {
        return check + ": " + subject + ": " + problem + "; " + fix;
    }
}
