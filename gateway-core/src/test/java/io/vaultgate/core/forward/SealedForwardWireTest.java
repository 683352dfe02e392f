package io.vaultgate.core.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.files.FileRecord;
import io.vaultgate.core.forward.DeliveryOutcome.Failed;
import io.vaultgate.core.forward.DeliveryOutcome.Kind;
import io.vaultgate.core.testing.TestStore;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.seal.DataKeySealer;
import io.vaultgate.crypto.seal.SealContext;
import io.vaultgate.crypto.seal.SealedDataKey;
import io.vaultgate.crypto.seal.SitePrivateKey;
import io.vaultgate.crypto.stream.EnvelopeReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a sealed forward puts on the wire: the stored envelope byte for byte, never the plaintext. */
class SealedForwardWireTest {

    @TempDir
    Path home;
    private ForwardFixture fixture;
    private SiteStub site;
    private final SitePrivateKey siteKey = SitePrivateKey.generate(new SecureRandom());

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ForwardFixture(home, new RetryPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(5)));
        site = fixture.stub();
        fixture.configure(site.endpoint());
        fixture.test.core().sites().setRecipientKey(ForwardFixture.SITE, Optional.of(siteKey.publicKey()));
    }

    @AfterEach
    void tearDown() {
        site.close();
        fixture.close();
    }

    @Test
    void sealedForward_sendsTheStoredEnvelopeAsItIs_withTheDataKeySealedToTheSite() throws Exception {
        byte[] content = fixture.randomBytes(700_000);
        FileRecord file = fixture.uploadAndQueue("/inbox/a.csv", content);
        Path object = storedObject();

        try (Forwarder forwarder = fixture.sealingForwarder("node-a")) {
            forwarder.runDue();
        }

        SiteStub.Received request = site.received().get(0);
        assertThat(request.size()).isEqualTo(Files.size(object));
        assertThat(request.sha256()).as("the wire carries the stored ciphertext").isEqualTo(sha256(object));
        assertThat(request.sha256()).isNotEqualTo(HexFormat.of().formatHex(digest(content)));
        assertThat(request.header("Content-Type")).isEqualTo(ForwardProtocol.ENVELOPE_TYPE);
        assertThat(request.header("Repr-Digest")).isEqualTo(ForwardProtocol.reprDigest(digest(content)));
        assertThat(request.header("Vaultgate-Site")).isEqualTo(ForwardFixture.SITE);

        String field = request.header("Vaultgate-Sealed-Key");
        SealedDataKey sealed = SealedDataKey.fromBase64(field.substring(1, field.length() - 1));
        SealContext context = new SealContext("acme", file.id(), ForwardFixture.SITE);
        DataKey dek = DataKeySealer.open(sealed, siteKey, context);
        try (EnvelopeReader reader = EnvelopeReader.open(dek, context.envelope(),
                FileChannel.open(object))) {
            ByteBuffer plain = ByteBuffer.allocate(content.length);
            reader.read(0, plain);
            assertThat(plain.array()).as("the site key opens it to the upload").isEqualTo(content);
        }
        assertThat(fixture.job(file).lastError()).as("the stub answers the ciphertext's digest, not the file's")
                .hasValueSatisfying(error -> assertThat(error).contains("differs"));
    }

    @Test
    void forwarderThatCannotReadStoredEnvelopes_failsSealedSitesAsAConfigurationError() {
        fixture.uploadAndQueue("/inbox/a.csv", fixture.randomBytes(10));

        try (Forwarder plainOnly = fixture.forwarder("node-a")) {
            ForwardJob job = fixture.outbox.claim(ForwardFixture.SITE, "node-a", 1, Duration.ofMinutes(1),
                    fixture.clock.instant()).get(0);
            assertThat(plainOnly.run(job)).isInstanceOfSatisfying(Failed.class,
                    failed -> assertThat(failed.kind()).isEqualTo(Kind.CONFIGURATION));
        }
        assertThat(site.received()).isEmpty();
    }

    private Path storedObject() throws IOException {
        Assumptions.assumeFalse(TestStore.s3(), "compares with the file of a directory store");
        try (Stream<Path> files = Files.walk(home.resolve("objects"))) {
            List<Path> objects = files.filter(Files::isRegularFile).toList();
            assertThat(objects).hasSize(1);
            return objects.get(0);
        }
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(digest(Files.readAllBytes(file)));
    }

    private static byte[] digest(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
