package io.vaultgate.server;

import io.vaultgate.crypto.file.DurableFile;
import io.vaultgate.server.config.KeyProviderType;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where everything lives under the data directory. Paths the configuration names (keystore, master
 * secret, catalog, objects) come from it; the SSH and TLS material sit in fixed sub-directories.
 *
 * <pre>
 * home/
 *   secrets/master.key   the master secret protecting the keystore (0600), unless given by environment
 *   secrets/admin.token  the first administrator's API token (0600)
 *   keys/kek.p12         tenant key-encryption keys (PKCS#12); none with keys.provider pkcs11 (they are in the token)
 *   secrets/pkcs11.pin   the PKCS#11 token's user PIN (0600), when used and not given by environment
 *   keys/audit-signing.key  Ed25519 key signing audit checkpoints and receipts (0600; .pub beside it)
 *   ssh/                 SSH host keys (Ed25519, RSA-3072)
 *   tls/                 private CA and the HTTPS server certificate (PEM)
 *   catalog.db           SQLite catalog
 *   objects/             ciphertext, one directory per tenant
 *   run/gateway.json     where the serving gateway listens, while it runs (RunFile; never backed up)
 * </pre>
 */
public record DataDirectory(VaultgateConfig config) {

    public Path home() {
        return config.home();
    }

    public Path sshDir() {
        return home().resolve("ssh");
    }

    public Path tlsDir() {
        return home().resolve("tls");
    }

    public Path caCertificate() {
        return tlsDir().resolve("ca.crt");
    }

    public Path caKey() {
        return tlsDir().resolve("ca.key");
    }

    /**
     * The CA of the gateway's forwarder client certificates only (created by the first {@code forward configure
     * --issue-client-cert}, {@link ForwardingCa}): the certificate a site receiver trusts. Never {@link
     * #caCertificate()}, which also issues the tenants' account certificates.
     */
    public Path forwardingCaCertificate() {
        return tlsDir().resolve("forwarding-ca.crt");
    }

    public Path forwardingCaKey() {
        return tlsDir().resolve("forwarding-ca.key");
    }

    public Path serverCertificate() {
        return tlsDir().resolve("server.crt");
    }

    public Path serverKey() {
        return tlsDir().resolve("server.key");
    }

    /** The gateway's Ed25519 key signing audit checkpoints and receipts; its public half beside it (.pub). */
    public Path auditSigningKey() {
        return home().resolve("keys").resolve("audit-signing.key");
    }

    public Path adminTokenFile() {
        return home().resolve("secrets").resolve("admin.token");
    }

    public List<Path> hostKeys() {
        return List.of(sshDir().resolve("ssh_host_ed25519_key"), sshDir().resolve("ssh_host_rsa_key"));
    }

    /**
     * True once {@code vaultgate init} has created the tenant keystore here; with {@code keys.provider: pkcs11},
     * which keeps no key file here, once it has created the audit signing key.
     */
    public boolean isInitialized() {
        return Files.exists(initMarkerFile());
    }

    /**
     * Stops a command that needs an initialized data directory when this is not one, most often because the command
     * was run without the gateway's {@code --home}: the message says to give it before it suggests making a new one.
     */
    public void requireInitialized() {
        if (!isInitialized()) {
            throw new StartupException("home " + home(), "not initialized (no catalog or " + initMarker() + " here)",
                    "give the gateway's data directory with --home (or VAULTGATE_HOME), or run `vaultgate init` to "
                            + "make a new one here");
        }
    }

    /** What {@link #isInitialized()} looks for, for messages: {@code keystore} or {@code audit signing key}. */
    public String initMarker() {
        return config.keys().provider() == KeyProviderType.PKCS11 ? "audit signing key" : "keystore";
    }

    private Path initMarkerFile() {
        return config.keys().provider() == KeyProviderType.PKCS11 ? auditSigningKey() : config.keystoreFile();
    }

    /** Creates the home directory (0700) if needed and checks that it is writable. */
    public void ensureWritable() {
        Path home = home();
        try {
            privateDirectory(home);
            Path probe = Files.createTempFile(home, ".write-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StartupException("home " + home, "the data directory is not writable (" + e.getClass()
                    .getSimpleName() + ")", "give a writable directory with --home or VAULTGATE_HOME", e);
        }
    }

    /** Creates a directory readable by its owner only (0700), and makes its entry durable ({@link DurableFile}). */
    static Path privateDirectory(Path dir) throws IOException {
        return DurableFile.createDirectories(dir, DurableFile.Mode.OWNER_ONLY);
    }

    /**
     * Writes a secret file, readable by its owner only (0600 from its creation), durably: a crash leaves the old file
     * or the whole new one, never an empty or half-written one, and the file is on disk when this returns
     * ({@link DurableFile}; crash-consistency audit M1: the master secret file was never flushed).
     */
    public static void writeSecret(Path file, String content) throws IOException {
        privateDirectory(file.getParent());
        DurableFile.writeString(file, content + "\n", DurableFile.Mode.OWNER_ONLY, DurableFile.Replace.EXISTING);
    }
}
