package io.vaultgate.server.cli;

import io.vaultgate.core.pki.Pem;
import io.vaultgate.server.DataDirectory;
import io.vaultgate.server.DemoSetup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * The work {@code vaultgate aot-train} does against a gateway it started, through the real front-ends on loopback
 * as the demo's client account: small SFTP uploads in several sessions (MINA's SFTP client: per upload a stat of the
 * directory, an open, two 32 KiB writes and a close, as OpenSSH's {@code sftp put} does), a listing and a download per
 * session, then HTTPS PUTs, GETs and a listing (JDK HttpClient, over HTTP/1.1 and HTTP/2). Every file is 64 KiB of
 * fresh random bytes. The sessions take turns at the ciphers clients end up with against the server's list: half
 * AES-CTR with an encrypt-then-MAC SHA-256 (OpenSSH's {@code sftp}, which prefers ChaCha20-Poly1305, then AES-CTR, to
 * AES-GCM), the others AES-GCM (clients that follow the server's order). Any refusal fails the training: a cache
 * trained on error paths would be of little use.
 */
final class AotWorkload {

    static final int FILE_SIZE = 64 * 1024;
    static final int UPLOADS_PER_SESSION = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The cipher of session i is {@code CIPHERS.get(i % 6)}. */
    private static final List<String> CIPHERS = List.of("aes128-ctr", "aes256-gcm@openssh.com", "aes128-ctr",
            "aes128-gcm@openssh.com", "aes128-ctr", "aes256-gcm@openssh.com");

    /** What was done, for the summary line. */
    record Done(int sftpUploads, int sftpSessions, int sftpDownloads, int httpsUploads, int httpsDownloads) {
    }

    private final DataDirectory home;
    private final DemoSetup.Credentials credentials;
    private final SecureRandom random = new SecureRandom();

    AotWorkload(DataDirectory home, DemoSetup.Credentials credentials) {
        this.home = home;
        this.credentials = credentials;
    }

    /**
     * Runs the workload: {@code uploads} SFTP uploads in sessions of {@code perSession}, and a tenth as many HTTPS
     * uploads (at least one), each downloaded again.
     */
    Done run(int sftpPort, int httpsPort, int uploads, int perSession) throws Exception {
        int sessions = 0;
        int downloads = 0;
        for (int done = 0; done < uploads; done += perSession) {
            downloads += sftpSession(sftpPort, sessions, Math.min(perSession, uploads - done));
            sessions++;
        }
        int https = https(httpsPort, Math.max(1, uploads / 10));
        return new Done(uploads, sessions, downloads, https, https);
    }

    /** One SSH connection: {@code count} uploads, a listing of the inbox and a download of the first file. */
    private int sftpSession(int port, int session, int count) throws Exception {
        KeyPair key = new FileKeyPairProvider(credentials.privateKey()).loadKeys(null).iterator().next();
        Set<String> hostKeys = hostKeys();
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier((clientSession, address, serverKey) -> hostKeys.contains(entry(serverKey)));
        client.setCipherFactoriesNameList(CIPHERS.get(session % CIPHERS.size()));
        client.setMacFactoriesNameList("hmac-sha2-256-etm@openssh.com");
        client.start();
        try (ClientSession ssh = client.connect(DemoSetup.ACCOUNT, "127.0.0.1", port).verify(TIMEOUT).getSession()) {
            ssh.addPublicKeyIdentity(key);
            ssh.auth().verify(TIMEOUT);
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(ssh)) {
                byte[] first = null;
                for (int i = 0; i < count; i++) {
                    byte[] content = randomFile();
                    first = first == null ? content : first;
                    sftp.stat("/inbox");
                    try (OutputStream out = sftp.write("/inbox/aot-" + session + "-" + i + ".bin")) {
                        out.write(content, 0, FILE_SIZE / 2);
                        out.write(content, FILE_SIZE / 2, FILE_SIZE / 2);
                    }
                }
                List<String> listed = new ArrayList<>();
                sftp.readDir("/inbox").forEach(entry -> listed.add(entry.getFilename()));
                if (!listed.contains("aot-" + session + "-0.bin")) {
                    throw new IOException("the SFTP listing of /inbox lacks the file just uploaded");
                }
                try (InputStream in = sftp.read("/inbox/aot-" + session + "-0.bin")) {
                    if (!Arrays.equals(in.readAllBytes(), first)) {
                        throw new IOException("an SFTP download differs from its upload");
                    }
                }
                return 1;
            }
        } finally {
            client.stop();
        }
    }

    /** {@code count} PUTs, each followed by a GET of the same file, then a listing; alternately HTTP/1.1 and 2. */
    private int https(int port, int count) throws IOException, GeneralSecurityException, InterruptedException {
        SSLContext tls = trusting(Pem.readCertificates(credentials.caCertificate()));
        List<HttpClient> clients = List.of(
                HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(TIMEOUT).build(),
                HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                        .connectTimeout(TIMEOUT).build());
        String token = Files.readString(credentials.apiToken()).strip();
        URI base = URI.create("https://127.0.0.1:" + port + "/v1/files/inbox/");
        for (int i = 0; i < count; i++) {
            HttpClient http = clients.get(i % 2);
            byte[] content = randomFile();
            URI file = base.resolve("aot-https-" + i + ".bin");
            expect(http.send(request(file, token).PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(),
                    HttpResponse.BodyHandlers.discarding()), "PUT " + file.getPath());
            HttpResponse<byte[]> got = http.send(request(file, token).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            expect(got, "GET " + file.getPath());
            if (!Arrays.equals(got.body(), content)) {
                throw new IOException("an HTTPS download differs from its upload");
            }
        }
        expect(clients.get(0).send(request(base, token).GET().build(), HttpResponse.BodyHandlers.discarding()),
                "GET " + base.getPath());
        return count;
    }

    private static HttpRequest.Builder request(URI uri, String token) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + token);
    }

    private static void expect(HttpResponse<?> response, String what) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " answered " + response.statusCode());
        }
    }

    private byte[] randomFile() {
        byte[] content = new byte[FILE_SIZE];
        random.nextBytes(content);
        return content;
    }

    /** The gateway's host keys as {@code type base64} (from their {@code .pub} files): the only keys trusted. */
    private Set<String> hostKeys() throws IOException {
        Set<String> keys = new HashSet<>();
        for (Path hostKey : home.hostKeys()) {
            String[] fields = Files.readString(hostKey.resolveSibling(hostKey.getFileName() + ".pub")).strip()
                    .split("\\s+");
            keys.add(fields[0] + " " + fields[1]);
        }
        return keys;
    }

    private static String entry(PublicKey key) {
        return Arrays.stream(PublicKeyEntry.toString(key).split("\\s+")).limit(2)
                .collect(Collectors.joining(" "));
    }

    private static SSLContext trusting(List<X509Certificate> anchors) throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < anchors.size(); i++) {
            trust.setCertificateEntry("ca-" + i, anchors.get(i));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
