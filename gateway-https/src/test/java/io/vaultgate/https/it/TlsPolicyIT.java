package io.vaultgate.https.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vaultgate.https.testing.Curl;
import io.vaultgate.https.testing.TestGateway;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the listener accepts on the wire: TLS 1.3 and 1.2 with AEAD suites, ALPN http/1.1, nothing older. */
class TlsPolicyIT {

    @TempDir
    Path dir;

    private TestGateway gateway;
    private Curl curl;

    @BeforeEach
    void start() throws Exception {
        gateway = TestGateway.start(dir);
        curl = new Curl(gateway.tls().caPem(), Files.createDirectories(dir.resolve("curl")));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void tls11ClientHello_getsAnAlert_notAServerHello() throws IOException {
        assertThat(firstRecordType(clientHello(0x0302, 0xC013, 0x002F))).isIn(-1, 0x15);
    }

    @Test
    void tls10ClientHello_getsAnAlert_notAServerHello() throws IOException {
        assertThat(firstRecordType(clientHello(0x0301, 0xC013, 0x002F))).isIn(-1, 0x15);
    }

    @Test
    void tls12WithOnlyCbcSuites_isRefused() throws Exception {
        assumeTrue(Curl.available());
        Curl.Result result = curl.run("--tlsv1.2", "--tls-max", "1.2", "--ciphers",
                "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES128-SHA", gateway.url("/v1/files/"));
        assertThat(result.exitCode()).as(result.stderr()).isEqualTo(35);
    }

    @Test
    void tls12WithAnAeadSuite_andTls13_work_withAlpn() throws Exception {
        assumeTrue(Curl.available());
        Curl.Result tls12 = curl.run("-v", "--tlsv1.2", "--tls-max", "1.2", "--ciphers", "ECDHE-ECDSA-AES128-GCM-SHA256",
                gateway.url("/v1/files/"));
        Curl.Result tls13 = curl.run("-v", "--tlsv1.3", gateway.url("/v1/files/"));

        assertThat(tls12.status()).as(tls12.stderr()).isEqualTo(401);
        assertThat(tls12.stderr()).contains("TLSv1.2").containsIgnoringCase("ALPN: server accepted http/1.1");
        assertThat(tls13.status()).isEqualTo(401);
        assertThat(tls13.stderr()).contains("TLSv1.3");
    }

    /** The content type of the first TLS record the server sends back, or -1 if it just closes. */
    private int firstRecordType(byte[] hello) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(hello);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return in.read();
        }
    }

    /** A minimal ClientHello record offering only {@code version} and the given suites. */
    static byte[] clientHello(int version, int... suites) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        out.writeShort(version);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        out.write(random);
        out.writeByte(0);
        out.writeShort(suites.length * 2);
        for (int suite : suites) {
            out.writeShort(suite);
        }
        out.writeByte(1);
        out.writeByte(0);
        byte[] hello = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        DataOutputStream r = new DataOutputStream(record);
        r.writeByte(0x16);
        r.writeShort(0x0301);
        r.writeShort(hello.length + 4);
        r.writeByte(1);
        r.writeByte(0);
        r.writeShort(hello.length);
        r.write(hello);
        return record.toByteArray();
    }
}
