package io.vaultgate.server;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import io.vaultgate.server.cli.Actor;
import io.vaultgate.server.config.KeyProviderType;
import io.vaultgate.server.config.MasterSecretSource;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.tls.ServerCertificateFiles;
import io.vaultgate.server.tls.TlsNames;
import io.vaultgate.sftp.HostKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code vaultgate init}: creates whatever of the data directory is missing, never overwriting what
 * exists, so it is safe to run twice. Creates the master secret (unless the environment provides it) and the
 * keystore (with {@code keys.provider: pkcs11} neither: the token holds the KEKs, and is only logged in to, when the
 * catalog is opened at the end), SSH host keys, a private CA with the HTTPS server certificate, the catalog and, when the catalog has
 * no administrator at all, the first one ({@code admin}, its token in {@code secrets/admin.token}).
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

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

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
            boolean keystore = config.keys().provider() == KeyProviderType.KEYSTORE;
            if (keystore && config.masterSecretSource(env) instanceof MasterSecretSource.File file
                    && !Files.exists(file.path())) {
                byte[] secret = new byte[32];
                random.nextBytes(secret);
                DataDirectory.writeSecret(file.path(), Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
                created.add("master secret " + file.path());
            }
            if (keystore && !Files.exists(config.keystoreFile())) {
                DataDirectory.privateDirectory(config.keystoreFile().getParent());
                MasterSecret secret = CoreResources.masterSecret(config, env);
                try {
                    KeystoreKeyProvider.create(config.keystoreFile(), secret).close();
                } finally {
                    secret.destroy();
                }
                created.add("keystore " + config.keystoreFile());
            }
            if (!Files.exists(home.auditSigningKey())) {
                DataDirectory.privateDirectory(home.auditSigningKey().getParent());
                AuditKeys.loadOrCreate(home.auditSigningKey(), random);
                created.add("audit signing key " + home.auditSigningKey() + " (public key: "
                        + AuditKeys.publicKeyFile(home.auditSigningKey()) + ")");
            }
            if (!Files.exists(home.hostKeys().get(0)) || !Files.exists(home.hostKeys().get(1))) {
                DataDirectory.privateDirectory(home.sshDir());
                HostKeys.generate(home.sshDir());
                created.add("SSH host keys (Ed25519, RSA-3072) in " + home.sshDir());
            }
            if (!Files.exists(home.serverCertificate())) {
                TlsNames names = createTlsMaterial(home, tlsNames);
                created.add("private CA and HTTPS server certificate in " + home.tlsDir() + " for " + names);
            } else if (tlsNames.isPresent()) {
                notes.add("the HTTPS server certificate " + home.serverCertificate() + " exists and was left as it "
                        + "is; to give it new names run `vaultgate tls issue --name NAME ...`");
            }
        } catch (IOException e) {
            throw new StartupException("home " + home.home(), "initialization failed: " + e.getMessage(),
                    "check free space and permissions", e);
        }
        Optional<String> adminToken = Optional.empty();
        try (CoreResources resources = CoreResources.open(config, env)) {
            // the catalog decides, not the token file: it may be gone with its administrator still there (moved off
            // the host, left out of a backup), or be the stale file of an administrator removed since
            adminToken = resources.core().incidents().administrators().addFirst("admin", Actor.current());
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

    private TlsNames createTlsMaterial(DataDirectory home, Optional<TlsNames> extra) throws IOException {
        DataDirectory.privateDirectory(home.tlsDir());
        ServerCertificateFiles files = new ServerCertificateFiles(home.tlsDir(), random, clock);
        CertificateAuthority ca = files.caCreatingIfMissing();
        TlsNames names = extra.map(TlsNames.defaults()::plus).orElseGet(TlsNames::defaults);
        files.issue(ca, names, ServerCertificateFiles.DEFAULT_VALIDITY).write(home.serverKey(),
                home.serverCertificate());
        return names;
    }
}
