package io.vaultgate.server;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.pki.CertificateAuthority;
import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
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
 * The files {@code vaultgate init} (and every start) makes in the data directory where they are missing, never
 * overwriting one that is there: the master secret (unless the environment provides it) and the keystore (neither
 * with {@code keys.provider: pkcs11}), the audit signing key, the SSH host keys ({@link #create}); and, at a first
 * initialization only, the private CA with the HTTPS server certificate ({@link #createServerCertificate}). Each is
 * written durably ({@code DurableFile}), in an order where a file is made only after those it depends on are on disk
 * (the keystore after its master secret, the server certificate after its CA), so a power cut at any point leaves
 * each one whole or absent, and the next run makes what is absent ({@code HomeFilesPowerLossTest}). Whether a file is
 * there is judged by its last-written part (a key pair's public half is written first).
 */
final class HomeFiles {

    private final SecureRandom random;
    private final Clock clock;
    private final KdfParams keystoreKdf;
    private final HostKeys.KeyPairSource hostKeyPairs;

    /** As {@code vaultgate init} makes them: the keystore's default key derivation cost, host keys made here. */
    HomeFiles(SecureRandom random, Clock clock) {
        this(random, clock, KdfParams.DEFAULT, HostKeys.GENERATED);
    }

    /**
     * @param keystoreKdf  the master secret's key derivation cost for a new keystore (a test's is low)
     * @param hostKeyPairs what makes the SSH host key pairs (a test's reuses RSA pairs made once)
     */
    HomeFiles(SecureRandom random, Clock clock, KdfParams keystoreKdf, HostKeys.KeyPairSource hostKeyPairs) {
        this.random = random;
        this.clock = clock;
        this.keystoreKdf = keystoreKdf;
        this.hostKeyPairs = hostKeyPairs;
    }

    /**
     * Makes the files of {@code config}'s data directory that are missing, but for the HTTPS pair
     * ({@link #createServerCertificate}, which its caller decides on); returns what was made.
     */
    List<String> create(VaultgateConfig config, Map<String, String> env) throws IOException {
        DataDirectory home = new DataDirectory(config);
        List<String> created = new ArrayList<>();
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
                KeystoreKeyProvider.create(config.keystoreFile(), secret, keystoreKdf).close();
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
            HostKeys.generate(home.sshDir(), hostKeyPairs);
            created.add("SSH host keys (Ed25519, RSA-3072) in " + home.sshDir());
        }
        return created;
    }

    /**
     * Issues the HTTPS server certificate from the private CA (made first if missing) for {@code tlsNames} besides
     * init's defaults, if {@code home} has none; returns what was made. Only a first initialization calls it: a
     * certificate made here is the gateway's identity, and has no audit record ({@link Initializer}).
     */
    Optional<String> createServerCertificate(DataDirectory home, Optional<TlsNames> tlsNames) throws IOException {
        if (Files.exists(home.serverCertificate())) {
            return Optional.empty();
        }
        TlsNames names = createTlsMaterial(home, tlsNames);
        return Optional.of("private CA and HTTPS server certificate in " + home.tlsDir() + " for " + names);
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
