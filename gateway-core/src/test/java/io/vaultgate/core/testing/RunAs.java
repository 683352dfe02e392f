package io.vaultgate.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user the test cluster's processes run as. PostgreSQL refuses to run as root; as root (CI) they run as
 * {@code nobody} through {@code setpriv}, which execs in place, so the PID of the started process is the
 * server's own and stopping it by PID stops the server. As any other user they run as that user.
 */
record RunAs(List<String> prefix, Optional<UserPrincipal> owner) {

    private static final String UNPRIVILEGED = "nobody";

    static RunAs current() {
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (uid != 0) {
                return new RunAs(List.of(), Optional.empty());
            }
            String[] entry = passwdEntry(UNPRIVILEGED);
            UserPrincipal owner = FileSystems.getDefault().getUserPrincipalLookupService()
                    .lookupPrincipalByName(UNPRIVILEGED);
            return new RunAs(List.of("setpriv", "--reuid=" + entry[2], "--regid=" + entry[3], "--clear-groups"),
                    Optional.of(owner));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot choose the user for the test PostgreSQL cluster", e);
        }
    }

    /** Makes {@code path} the running user's (a no-op unless the JVM runs as root). */
    void handOver(Path path) throws IOException {
        if (owner.isPresent()) {
            Files.setOwner(path, owner.get());
        }
    }

    ProcessBuilder command(String... command) {
        List<String> full = new ArrayList<>(prefix);
        full.addAll(List.of(command));
        return new ProcessBuilder(full);
    }

    private static String[] passwdEntry(String user) throws IOException {
        Process getent = new ProcessBuilder("getent", "passwd", user).redirectErrorStream(true).start();
        String line = new String(getent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String[] fields = line.split(":");
        if (fields.length < 4) {
            throw new IOException("the JVM runs as root and there is no user '" + user + "' to run PostgreSQL as");
        }
        return fields;
    }
}
