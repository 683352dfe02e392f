package io.vaultgate.server;

import io.vaultgate.core.admin.Administrators;
import io.vaultgate.server.cli.Actor;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.tls.MissingServerCertificate;
import io.vaultgate.server.tls.TlsNames;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vaultgate init}: creates whatever of the data directory is missing, never overwriting what
 * exists, so it is safe to run twice. Creates the master secret (unless the environment provides it) and the
 * keystore (with {@code keys.provider: pkcs11} neither: the token holds the KEKs, and is only logged in to, when the
 * catalog is opened), SSH host keys ({@link HomeFiles}: each durably, so a power cut leaves it whole or absent), the
 * catalog, a private CA with the HTTPS server certificate and, when the catalog has no administrator at all, the first
 * one ({@code admin}, its token in {@code secrets/admin.token}). The certificate is issued only by that first
 * initialization: once the catalog has an administrator, a missing one is left missing, with a note
 * ({@link MissingServerCertificate}).
 */
public final class Initializer {

    /**
     * What {@link #initialize} did; the admin token is present only when an administrator was created; notes say
     * what was asked for and not done (names for a server certificate that already existed).
     */
    public record Report(List<String> created, Optional<String> adminToken, List<String> notes) {
        public Report {
            created = List.copyOf(created);
            notes = List.copyOf(notes);
        }
    }

    private final HomeFiles files;

    public Initializer() {
        this(new HomeFiles(new SecureRandom(), Clock.systemUTC()));
    }

    /** With {@code files} making the data directory's files (a test's, cheaper to make). */
    Initializer(HomeFiles files) {
        this.files = files;
    }

    public Report initialize(VaultgateConfig config, Map<String, String> env) {
        return initialize(config, env, Optional.empty());
    }

    /**
     * As {@link #initialize(VaultgateConfig, Map)}; a server certificate created now also names {@code tlsNames}
     * (besides localhost, this host's name and the loopback addresses). An existing one is left as it is, with a
     * note on how to issue a new one.
     */
    public Report initialize(VaultgateConfig config, Map<String, String> env, Optional<TlsNames> tlsNames) {
        DataDirectory home = new DataDirectory(config);
        home.ensureWritable();
        List<String> created = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try {
            created.addAll(files.create(config, env));
        } catch (IOException e) {
            throw failed(home, e);
        }
        Optional<String> adminToken;
        try (CoreResources resources = CoreResources.open(config, env)) {
            Administrators administrators = resources.core().incidents().administrators();
            // the catalog decides, not the token file: it may be gone with its administrator still there (moved off
            // the host, left out of a backup), or be the stale file of an administrator removed since
            boolean first = administrators.list().isEmpty();
            serverCertificate(home, tlsNames, first, created, notes);
            adminToken = administrators.addFirst("admin", Actor.current());
            if (adminToken.isPresent()) {
                DataDirectory.writeSecret(home.adminTokenFile(), adminToken.get());
                created.add("administrator 'admin' (token in " + home.adminTokenFile() + ")");
            }
        } catch (IOException e) {
            throw new StartupException("home " + home.home(), "cannot write the admin token: " + e.getMessage(),
                    "check permissions, then issue a new token with vaultgate admin rotate-token admin --reason TEXT "
                            + "--token-file " + home.adminTokenFile(), e);
        }
        return new Report(created, adminToken, notes);
    }

    /**
     * The HTTPS server certificate: issued where missing only by a {@code first} initialization (a catalog without
     * an administrator, so never one a gateway ran with). In an initialized gateway a missing certificate is not
     * replaced by a new identity served without an audit record (review32 L3): a note names the fix, and a start
     * that serves HTTPS refuses ({@link MissingServerCertificate}).
     */
    private void serverCertificate(DataDirectory home, Optional<TlsNames> tlsNames, boolean first,
                                   List<String> created, List<String> notes) {
        if (!Files.exists(home.serverCertificate()) && !first) {
            notes.add(MissingServerCertificate.of(home.tlsDir()).message());
            return;
        }
        try {
            Optional<String> made = first ? files.createServerCertificate(home, tlsNames) : Optional.empty();
            made.ifPresent(created::add);
            if (made.isEmpty() && tlsNames.isPresent()) {
                notes.add("the HTTPS server certificate " + home.serverCertificate() + " exists and was left as it "
                        + "is; to give it new names run `vaultgate tls issue --name NAME ...`");
            }
        } catch (IOException e) {
            throw failed(home, e);
        }
    }

    private static StartupException failed(DataDirectory home, IOException e) {
        return new StartupException("home " + home.home(), "initialization failed: " + e.getMessage(),
                "check free space and permissions", e);
    }
}
