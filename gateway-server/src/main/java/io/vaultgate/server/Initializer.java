package io.vaultgate.server;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import io.vaultgate.server.cli.Actor;
import io.vaultgate.server.config.KeyProviderType;
import io.vaultgate.server.config.MasterSecretSource;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.sftp.HostKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code vaultgate init}: creates whatever of the data directory is missing, never overwriting what
 * exists, so it is safe to run twice. Creates the master secret (unless the environment provides it) and the
 * keystore (with {@code keys.provider: pkcs11} neither: the token holds the KEKs, and is only logged in to, when the
 * catalog is opened at the end), SSH host keys, a private CA with the HTTPS server certificate, the catalog and, when the catalog has
 * no administrator at all, the first one ({@code admin}, its token in {@code secrets/admin.token}).
 */
public final class Initializer {

    /** What {@link #initialize} did; the admin token is present only when an administrator was created. */
    public record Report(List<String> created, Optional<String> adminToken) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    public Report initialize(VaultgateConfig config, Map<String, String> env) {
        DataDirectory home = new DataDirectory(config);
        home.ensureWritable();
        List<String> created = new ArrayList<>();
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
                createTlsMaterial(home);
                created.add("private CA and HTTPS server certificate in " + home.tlsDir());
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
        return new Report(created, adminToken);
    }

    private void createTlsMaterial(DataDirectory home) throws IOException {
        DataDirectory.privateDirectory(home.tlsDir());
        CertificateAuthority ca;
        if (Files.exists(home.caCertificate())) {
            ca = new CertificateAuthority(IssuedCertificate.read(home.caKey(), home.caCertificate()), random, clock);
        } else {
            ca = CertificateAuthority.create("Vaultgate private CA", Duration.ofDays(3650), random, clock);
            ca.ca().write(home.caKey(), home.caCertificate());
        }
        Set<String> names = new LinkedHashSet<>(List.of("localhost"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (IOException unknownHost) {
            // localhost alone will do
        }
        ca.issueServer("vaultgate", List.copyOf(names), List.of("127.0.0.1", "::1"), Duration.ofDays(397))
                .write(home.serverKey(), home.serverCertificate());
    }
}
