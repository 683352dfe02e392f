package io.vaultgate.sftp.kex;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.sftp.testing.OpenSshSftp;
import io.vaultgate.sftp.testing.TestSftpGateway;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cipher a client ends up with: AES-GCM for every client that offers it (the stock OpenSSH client would
 * otherwise pick aes128-ctr + hmac-sha2-256-etm), CTR with an ETM MAC for a client that offers no GCM, and the
 * whole configured list, after {@link AeadFirstSession#FALLBACK}, for a client that waits for the server's KEXINIT.
 */
class AeadFirstNegotiationIT {

    private static final String ALL = "aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";
    private static final String GCM = "aes256-gcm@openssh.com,aes128-gcm@openssh.com";

    @RegisterExtension
    static final TestSftpGateway gateway = TestSftpGateway.withDefaults();

    @Test
    void stockOpenSshClient_negotiatesAesGcm_withStrictKex() throws Exception {
        String out = verbose(List.of());
        assertThat(out).contains("kex: client->server cipher: aes128-gcm@openssh.com MAC: <implicit>")
                .contains("kex: server->client cipher: aes128-gcm@openssh.com MAC: <implicit>")
                .contains("kex-strict-s-v00@openssh.com").contains("/inbox");
    }

    @Test
    void clientWithoutGcm_stillGetsCtrWithEncryptThenMac() throws Exception {
        String out = verbose(List.of("-o", "Ciphers=aes128-ctr,aes256-ctr"));
        assertThat(out).contains("kex: client->server cipher: aes128-ctr MAC: hmac-sha2-256-etm@openssh.com")
                .contains("/inbox");
    }

    @Test
    void rawClientOfferingGcm_isOfferedOnlyGcm() throws Exception {
        try (RawSsh raw = RawSsh.connect(gateway.port())) {
            raw.sendKexInit("aes128-ctr,aes128-gcm@openssh.com");
            List<String> lists = raw.readKexInit(5_000);
            assertThat(lists.get(2)).isEqualTo(GCM);
            assertThat(lists.get(3)).isEqualTo(GCM);
            assertThat(lists.get(4)).isEqualTo("hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com");
        }
    }

    @Test
    void rawClientWithCtrOnly_isOfferedTheWholeList() throws Exception {
        try (RawSsh raw = RawSsh.connect(gateway.port())) {
            raw.sendKexInit("aes128-ctr");
            assertThat(raw.readKexInit(5_000).subList(2, 4)).containsExactly(ALL, ALL);
        }
    }

    @Test
    void clientWaitingForTheServer_getsTheWholeListAfterTheFallback() throws Exception {
        try (RawSsh raw = RawSsh.connect(gateway.port())) {
            long start = System.nanoTime();
            List<String> lists = raw.readKexInit(AeadFirstSession.FALLBACK.toMillis() + 10_000);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMillis).isGreaterThanOrEqualTo(AeadFirstSession.FALLBACK.toMillis() - 100);
            assertThat(lists.subList(2, 4)).containsExactly(ALL, ALL);
            assertThat(lists.get(0)).contains("kex-strict-s-v00@openssh.com");
        }
    }

    private static String verbose(List<String> options) throws Exception {
        List<String> all = new ArrayList<>(List.of("-vv", "-o", "LogLevel=DEBUG2"));
        all.addAll(options);
        OpenSshSftp.Result result = gateway.openSsh(TestSftpGateway.ALICE).run(all, "ls /");
        assertThat(result.succeeded()).as(result.output()).isTrue();
        return result.output();
    }

    /** Just enough of the SSH transport (RFC 4253) to exchange identification lines and KEXINIT packets. */
    private static final class RawSsh implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final DataOutputStream out;

        private RawSsh(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = new DataOutputStream(socket.getOutputStream());
        }

        static RawSsh connect(int port) throws IOException {
            RawSsh raw = new RawSsh(new Socket(InetAddress.getLoopbackAddress(), port));
            raw.out.write("SSH-2.0-RawTest_1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            raw.out.flush();
            String line = readLine(raw.in);
            assertThat(line).startsWith("SSH-2.0-Vaultgate");
            return raw;
        }

        void sendKexInit(String ciphers) throws IOException {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            DataOutputStream p = new DataOutputStream(payload);
            p.writeByte(20);
            p.write(new byte[16]);
            for (String list : List.of("curve25519-sha256,kex-strict-c-v00@openssh.com", "ssh-ed25519", ciphers,
                    ciphers, "hmac-sha2-256-etm@openssh.com", "hmac-sha2-256-etm@openssh.com", "none", "none", "",
                    "")) {
                byte[] bytes = list.getBytes(StandardCharsets.US_ASCII);
                p.writeInt(bytes.length);
                p.write(bytes);
            }
            p.writeBoolean(false);
            p.writeInt(0);
            byte[] body = payload.toByteArray();
            int padding = 8 - (5 + body.length) % 8;
            padding = padding < 4 ? padding + 8 : padding;
            out.writeInt(1 + body.length + padding);
            out.writeByte(padding);
            out.write(body);
            out.write(new byte[padding]);
            out.flush();
        }

        /** The server's KEXINIT name-lists: kex, host keys, ciphers c2s, s2c, MACs c2s, s2c, ... */
        List<String> readKexInit(long timeoutMillis) throws IOException {
            socket.setSoTimeout((int) timeoutMillis);
            int length;
            try {
                length = in.readInt();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no KEXINIT from the server within " + timeoutMillis + " ms", e);
            }
            int padding = in.readUnsignedByte();
            byte[] body = new byte[length - 1 - padding];
            in.readFully(body);
            in.readFully(new byte[padding]);
            DataInputStream b = new DataInputStream(new ByteArrayInputStream(body));
            int type = b.readUnsignedByte();
            if (type == 1) {
                int reason = b.readInt();
                byte[] description = new byte[b.readInt()];
                b.readFully(description);
                throw new AssertionError("SSH_MSG_DISCONNECT instead of KEXINIT: reason " + reason + ", \""
                        + new String(description, StandardCharsets.UTF_8) + "\"");
            }
            assertThat(type).as("SSH_MSG_KEXINIT").isEqualTo(20);
            b.readFully(new byte[16]);
            List<String> lists = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                byte[] name = new byte[b.readInt()];
                b.readFully(name);
                lists.add(new String(name, StandardCharsets.US_ASCII));
            }
            return lists;
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            return line.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
