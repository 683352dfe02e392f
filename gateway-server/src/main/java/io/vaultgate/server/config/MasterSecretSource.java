package io.vaultgate.server.config;

import java.nio.file.Path;

/**
 * Where the master secret is to be read from: the configuration names the place, never the secret, so
 * these values are safe to log. Reading and wiping the secret is the key provider's job.
 */
public sealed interface MasterSecretSource {

    /** A short description for logs, e.g. {@code environment variable VAULTGATE_MASTER_SECRET}. */
    String describe();

    /** The secret is the value of this environment variable. */
    record Environment(String variable) implements MasterSecretSource {
        @Override
        public String describe() {
            return "environment variable " + variable;
        }
    }

    /** The secret is the content of this file (absolute). */
    record File(Path path) implements MasterSecretSource {
        @Override
        public String describe() {
            return "file " + path;
        }
    }
}
