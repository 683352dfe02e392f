package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.audit.AuditKeys;
import io.vaultgate.core.pki.IssuedCertificate;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.powerloss.PowerCuts;
import io.vaultgate.crypto.keystore.KdfParams;
import io.vaultgate.crypto.keystore.KeystoreKeyProvider;
import io.vaultgate.crypto.keystore.MasterSecret;
import io.vaultgate.server.config.AccessConfig;
import io.vaultgate.server.config.CatalogConfig;
import io.vaultgate.server.config.HttpsConfig;
import io.vaultgate.server.config.KeysConfig;
import io.vaultgate.server.config.LoggingConfig;
import io.vaultgate.server.config.OpsConfig;
import io.vaultgate.server.config.ShutdownConfig;
import io.vaultgate.server.config.SftpConfig;
import io.vaultgate.server.config.StorageConfig;
import io.vaultgate.server.config.UploadsConfig;
import io.vaultgate.server.config.VaultgateConfig;
import io.vaultgate.server.tls.ServerCertificateFiles;
import io.vaultgate.sftp.HostKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files {@code vaultgate init} makes in a new data directory ({@link HomeFiles}: master secret, keystore, audit
 * signing key, SSH host keys, private CA and HTTPS server certificate) under a power cut after each of their file
 * system operations: each file is then absent or whole (its key loads, the keystore opens with the master secret on
 * disk, the server certificate is the CA's and matches its key); the next init or start makes what is absent and keeps
 * every file that was there; once a run returned, every file is there. The catalog and the first administrator's
 * token are outside the power-loss model (SQLite flushes on its own; the token is a {@code DurableFile} write like
 * these), and so is the catalog's answer to whether this is a first init, which init reads between the host keys and
 * the TLS pair ({@link Initializer}): here every run is one. The keystore's key derivation is cheap and RSA host key
 * pairs are taken from one made once; what is written, and how, is init's. Cost: one run per mutating file system
 * operation of init (172), each a cut init and a whole one, a few tens of milliseconds each on an idle machine (about
 * 15 s in all), a minute on a loaded one. Reads are not cut (PowerCuts), so no cut point repeats another: fewer runs
 * would leave steps uncut.
 */
@CatalogIndependent
class HomeFilesPowerLossTest {

    private static final HomeFiles FILES = new HomeFiles(new SecureRandom(), Clock.systemUTC(),
            new KdfParams(1024, 1, 1), HomeFilesPowerLossTest::hostKeyPair);

    /** One RSA-3072 host key pair for every run: making one takes long. */
    private static KeyPair rsa;

    @TempDir
    Path realParent;

    @Test
    void create_cutAtEveryStep_leavesEachFileWholeOrAbsent_andTheNextRunMakesTheRestKeepingWhatIsThere()
            throws Exception {
        int operations = PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<VaultgateConfig>() {
            @Override
            public VaultgateConfig setUp(Path root) {
                return configWithHome(root);
            }

            @Override
            public void act(VaultgateConfig config) throws Exception {
                initialize(config);
            }

            @Override
            public void check(Path root, VaultgateConfig config, boolean returned) throws Exception {
                List<Path> there = wholeOrAbsent(config, returned);
                Map<Path, byte[]> before = new HashMap<>();
                for (Path file : there) {
                    before.put(file, Files.readAllBytes(file));
                }

                initialize(config); // the next init or start

                assertThat(wholeOrAbsent(config, true)).hasSize(FINAL_FILES);
                before.forEach((file, bytes) -> assertThat(contentOf(file)).as(file + " kept").isEqualTo(bytes));
            }
        });

        assertThat(operations).as("twelve files, each created, written, flushed and renamed, its directory flushed")
                .isGreaterThanOrEqualTo(FINAL_FILES * 5);
    }

    /** What a first init makes of the home's files, in its order (the catalog, opened between them, aside). */
    private static void initialize(VaultgateConfig config) throws Exception {
        FILES.create(config, Map.of());
        FILES.createServerCertificate(new DataDirectory(config), Optional.empty());
    }

    /**
     * Master secret, keystore, audit key, two host keys, the CA's certificate and the server's, and the five files
     * of their pairs written before them (the public audit and host keys, the CA's and the server's keys).
     */
    private static final int FINAL_FILES = 12;

    /**
     * Asserts that each file init makes is whole where it is there, and there when {@code complete}; returns those
     * there that a run judges by (and so never writes again), with the files of their pair written before them.
     */
    private static List<Path> wholeOrAbsent(VaultgateConfig config, boolean complete) throws Exception {
        DataDirectory home = new DataDirectory(config);
        List<Path> there = new ArrayList<>();
        Path secret = config.masterSecretFile();
        if (present(secret, complete, there)) {
            assertThat(Files.readString(secret)).as("a whole master secret").matches("[A-Za-z0-9_-]{43}\n");
        }
        if (present(config.keystoreFile(), complete, there)) {
            KeystoreKeyProvider.open(config.keystoreFile(), MasterSecret.fromFile(secret)).close();
        }
        if (present(home.auditSigningKey(), complete, there)) {
            AuditKeys.load(home.auditSigningKey());
            there.add(AuditKeys.publicKeyFile(home.auditSigningKey()));
        }
        for (Path hostKey : home.hostKeys()) {
            if (present(hostKey, complete, there)) {
                HostKeys.load(List.of(hostKey));
                there.add(hostKey.resolveSibling(hostKey.getFileName() + ".pub"));
            }
        }
        ServerCertificateFiles tls = new ServerCertificateFiles(home.tlsDir(), new SecureRandom(), Clock.systemUTC());
        if (present(home.caCertificate(), complete, there)) {
            assertThat(tls.ca()).as("the CA's key and certificate").isPresent();
            there.add(home.caKey());
        }
        if (present(home.serverCertificate(), complete, there)) {
            IssuedCertificate server = IssuedCertificate.read(home.serverKey(), home.serverCertificate());
            assertThat(tls.issuedByPrivateCa(server.certificate())).as("issued by the CA on disk").isTrue();
            assertThat(signsFor(server)).as("the server key is the certificate's").isTrue();
            there.add(home.serverKey());
        }
        return there;
    }

    private static boolean present(Path file, boolean complete, List<Path> there) {
        if (!Files.exists(file)) {
            assertThat(complete).as(file + " is missing").isFalse();
            return false;
        }
        there.add(file);
        return true;
    }

    private static boolean signsFor(IssuedCertificate pair) throws GeneralSecurityException {
        byte[] data = "vaultgate".getBytes();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.privateKey());
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.certificate().getPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }

    private static byte[] contentOf(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The default configuration with its home, and the paths under it, on the power-loss file system of root. */
    private static VaultgateConfig configWithHome(Path root) {
        KeysConfig keys = KeysConfig.defaults();
        return new VaultgateConfig(root, SftpConfig.defaults(), HttpsConfig.defaults(),
                new KeysConfig(keys.provider(), root.getFileSystem().getPath(keys.keystore().toString()),
                        root.getFileSystem().getPath(keys.masterSecretFile().toString()), keys.masterSecretEnv(),
                        keys.maxKekAge()),
                CatalogConfig.defaults(), StorageConfig.defaults(), UploadsConfig.defaults(),
                ShutdownConfig.defaults(), LoggingConfig.defaults(), OpsConfig.defaults(), AccessConfig.defaults());
    }

    /** Ed25519 pairs made fresh, the one RSA pair made once: a rewritten key file is told by its bytes. */
    private static synchronized KeyPair hostKeyPair(String type, int bits) throws GeneralSecurityException {
        if (!KeyPairProvider.SSH_RSA.equals(type)) {
            return KeyUtils.generateKeyPair(type, bits);
        }
        if (rsa == null) {
            rsa = KeyUtils.generateKeyPair(type, bits);
        }
        return rsa;
    }
}
