package io.vaultgate.server;

import io.vaultgate.core.admin.Administration;
import io.vaultgate.core.admin.SiteAdministration;
import io.vaultgate.core.tenant.TenantId;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The demo tenant a newcomer can use at once: tenant {@code demo}, client account {@code demo-client}
 * with a generated Ed25519 key and an API token, and a demo BPO site. Files go to {@code <home>/demo}.
 * Idempotent: an existing demo is reused as it is.
 */
public final class DemoSetup {

    public static final String TENANT = "demo";
    public static final String ACCOUNT = "demo-client";
    public static final String SITE = "demo-bpo";

    /** Where the demo's client credentials are. */
    public record Credentials(Path privateKey, Path apiToken, Path knownHosts, Path caCertificate) {
    }

    /**
     * The demo client's private key and API token: credentials handed to the client, which a backup leaves out. A
     * restored demo gets new ones from {@link #ensure}.
     */
    public static List<Path> clientSecrets(DataDirectory home) {
        Path dir = home.home().resolve("demo");
        return List.of(dir.resolve("id_ed25519"), dir.resolve("api-token"));
    }

    public Credentials ensure(Administration admin, SiteAdministration sites, DataDirectory home) {
        Path key = clientSecrets(home).get(0);
        Path token = clientSecrets(home).get(1);
        Path dir = key.getParent();
        try {
            DataDirectory.privateDirectory(dir);
            TenantId tenant = TenantId.of(TENANT);
            if (admin.tenant(tenant).isEmpty()) {
                admin.createTenant(tenant, "Demo Client Co.", false);
                sites.createSite(SITE, "Demo BPO processing site");
            }
            if (!Files.exists(key)) {
                writeClientKey(key);
                if (admin.accounts(tenant).stream().noneMatch(account -> account.username().equals(ACCOUNT))) {
                    admin.createAccount(tenant, ACCOUNT); // else restored from a backup, which left the key out
                }
                admin.addSshKey(ACCOUNT, Files.readString(key.resolveSibling("id_ed25519.pub")));
                DataDirectory.writeSecret(token, admin.issueAccountToken(ACCOUNT, "demo"));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new StartupException("home " + dir, "cannot prepare the demo: " + e.getMessage(),
                    "check permissions, or remove " + dir + " to start the demo afresh", e);
        }
        return new Credentials(key, token, dir.resolve("known_hosts"), home.caCertificate());
    }

    /** Writes a known_hosts file pinning the gateway's host keys at {@code [127.0.0.1]:port}. */
    public void writeKnownHosts(Credentials credentials, DataDirectory home, int sftpPort) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (Path hostKey : home.hostKeys()) {
            String publicKey = Files.readString(hostKey.resolveSibling(hostKey.getFileName() + ".pub")).trim();
            String[] fields = publicKey.split("\\s+");
            lines.append("[127.0.0.1]:").append(sftpPort).append(' ').append(fields[0]).append(' ')
                    .append(fields[1]).append('\n');
        }
        Files.writeString(credentials.knownHosts(), lines, StandardCharsets.US_ASCII);
    }

    private static void writeClientKey(Path file) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, ACCOUNT + "@vaultgate-demo", null, out);
        }
        try (OutputStream out = Files.newOutputStream(file.resolveSibling(file.getFileName() + ".pub"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(pair.getPublic(), ACCOUNT + "@vaultgate-demo", out);
        }
    }
}
