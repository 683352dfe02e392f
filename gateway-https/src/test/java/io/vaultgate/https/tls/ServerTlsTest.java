package io.vaultgate.https.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.vaultgate.https.ClientTls;
import io.vaultgate.https.testing.TestTls;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Both TLS providers get the same policy: only TLS 1.3/1.2 and only AEAD suites end up enabled. */
class ServerTlsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = SslProvider.class, names = {"JDK", "OPENSSL"})
    void onlyModernProtocolsAndAeadSuites(SslProvider provider) throws Exception {
        SslContext context = ServerTls.serverContext(TestTls.create(dir).serverMaterial(), ClientTls.NONE, provider);
        SSLEngine engine = context.newEngine(ByteBufAllocator.DEFAULT);

        // Netty's OpenSSL engine always lists the "SSLv2Hello" pseudo-protocol (a hello format, not a protocol;
        // BoringSSL cannot speak SSLv2): TlsPolicyIT checks on the wire that nothing below TLS 1.2 is accepted.
        assertThat(engine.getEnabledProtocols()).filteredOn(p -> !p.equals("SSLv2Hello"))
                .containsOnly("TLSv1.3", "TLSv1.2");
        assertThat(engine.getEnabledCipherSuites()).isNotEmpty()
                .allMatch(suite -> suite.contains("_GCM_") || suite.contains("CHACHA20_POLY1305"));
        assertThat(List.of(engine.getEnabledCipherSuites())).isSubsetOf(ServerTls.CIPHER_SUITES);
        io.netty.util.ReferenceCountUtil.release(engine);
    }
}
