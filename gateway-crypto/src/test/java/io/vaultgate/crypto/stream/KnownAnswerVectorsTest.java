package io.vaultgate.crypto.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.format.EnvelopeFormat;
import io.vaultgate.crypto.format.EnvelopeHeader;
import io.vaultgate.crypto.format.EnvelopeHeaderCodec;
import io.vaultgate.crypto.internal.EnvelopeKeys;
import io.vaultgate.crypto.internal.RandomSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known-answer vectors in {@code src/test/resources/vectors/*.json}: each holds the DEK, ids,
 * segment size, the salt and every segment nonce, derived keys, plaintext and the full envelope.
 * Regenerate (only when the format changes, with a new version) with
 * {@code mvn -pl gateway-crypto test -Dtest=KnownAnswerVectorsTest -Dvaultgate.writeVectors=true}.
 */
class KnownAnswerVectorsTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NAMES = {
    "header", "empty", "one-segment", "multi-segment", "exact-multiple"
  };

  static Stream<String> vectors() {
    return Stream.of(NAMES);
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void vector_decryptsToItsPlaintext(String name) throws IOException {
    JsonNode v = load(name);
    byte[] plain = Envelopes.open(dek(v), ctx(v), hex(v, "envelope"));
    assertThat(plain).isEqualTo(hex(v, "plaintext"));
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void reEncryptingWithTheVectorsRandomness_reproducesTheEnvelope(String name) throws IOException {
    JsonNode v = load(name);
    Deque<byte[]> randomness = new ArrayDeque<>();
    randomness.add(hex(v, "salt"));
    v.get("nonces").forEach(n -> randomness.add(HEX.parseHex(n.asText())));
    // The streaming writer seals the last segment twice: first optimistically as not final (that
    // seal is discarded, never written), then for real. Its first draw is not in the file.
    byte[] lastNonce = randomness.removeLast();
    randomness.add(new byte[EnvelopeFormat.NONCE_SIZE]);
    randomness.add(lastNonce);
    RandomSource replay = out -> {
      byte[] next = randomness.remove();
      assertThat(next).hasSize(out.length);
      System.arraycopy(next, 0, out, 0, out.length);
    };
    byte[] envelope = Envelopes.seal(
        dek(v), ctx(v), hex(v, "plaintext"), v.get("segment_size").asInt(), replay);
    assertThat(randomness).isEmpty();
    assertThat(HEX.formatHex(envelope)).isEqualTo(v.get("envelope").asText());
  }

  @ParameterizedTest
  @MethodSource("vectors")
  void vectorHeaderAndKeySchedule_matchTheDocumentedLayout(String name) throws IOException {
    JsonNode v = load(name);
    byte[] envelope = hex(v, "envelope");
    byte[] header = java.util.Arrays.copyOf(envelope, EnvelopeFormat.HEADER_SIZE);
    assertThat(HEX.formatHex(header)).isEqualTo(v.get("header").asText());
    EnvelopeHeader h = EnvelopeHeaderCodec.decode(header);
    assertThat(h.context()).isEqualTo(ctx(v));
    assertThat(h.salt()).isEqualTo(hex(v, "salt"));
    assertThat(h.keyCommitment()).isEqualTo(hex(v, "key_commitment"));
    EnvelopeKeys keys = EnvelopeKeys.derive(dek(v), ctx(v), h.salt());
    assertThat(keys.payloadKey()).isEqualTo(hex(v, "payload_key"));
    keys.verifyHeader(h);
    assertThat(envelope).hasSize(
        (int) EnvelopeFormat.ciphertextSize(hex(v, "plaintext").length, h.segmentSize()));
  }

  @Test
  @EnabledIfSystemProperty(named = "vaultgate.writeVectors", matches = "true")
  void writeVectors() throws IOException {
    Path dir = Path.of("src/test/resources/vectors");
    Files.createDirectories(dir);
    int big = EnvelopeFormat.DEFAULT_SEGMENT_SIZE;
    int small = EnvelopeFormat.MIN_SEGMENT_SIZE;
    write(dir, "header", "Header fields and key schedule; payload is 3 bytes.", big,
        "abc".getBytes(StandardCharsets.US_ASCII));
    write(dir, "empty", "Empty file: header and one empty final segment.", big, new byte[0]);
    write(dir, "one-segment", "One partial final segment.", big,
        "Vaultgate known-answer vector: one segment.\n".getBytes(StandardCharsets.US_ASCII));
    write(dir, "multi-segment", "Three segments at 4 KiB: two full, one partial final.", small,
        pattern(2 * small + 1000));
    write(dir, "exact-multiple", "Two full segments at 4 KiB; the second is final.", small,
        pattern(2 * small));
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 251);
    }
    return b;
  }

  private static void write(Path dir, String name, String description, int segmentSize,
      byte[] plain) throws IOException {
    Deterministic random = new Deterministic(name);
    DataKey dek = DataKey.fromBytes(random.next(32), InsecureKeyAccess.get());
    random.drawn.clear();
    EnvelopeContext ctx = new EnvelopeContext("tenant-" + name, "file-0001-" + name);
    byte[] envelope = Envelopes.seal(dek, ctx, plain, segmentSize, random);
    byte[] salt = random.drawn.remove(0);
    EnvelopeKeys keys = EnvelopeKeys.derive(dek, ctx, salt);
    EnvelopeHeader h =
        EnvelopeHeaderCodec.decode(java.util.Arrays.copyOf(envelope, EnvelopeFormat.HEADER_SIZE));
    ObjectNode v = JSON.createObjectNode();
    v.put("name", name);
    v.put("description", description);
    v.put("format_version", EnvelopeFormat.VERSION);
    v.put("suite", EnvelopeFormat.SUITE_AES256_GCM_HKDF_SHA256);
    v.put("segment_size", segmentSize);
    v.put("tenant_id", ctx.tenantId());
    v.put("file_id", ctx.fileId());
    v.put("dek", HEX.formatHex(dek.toByteArray(InsecureKeyAccess.get())));
    v.put("salt", HEX.formatHex(salt));
    v.put("payload_key", HEX.formatHex(keys.payloadKey()));
    v.put("key_commitment", HEX.formatHex(h.keyCommitment()));
    v.put("header_mac", HEX.formatHex(h.mac()));
    random.drawn.remove(random.drawn.size() - 2); // the discarded optimistic seal of the last segment
    List<String> nonces = new ArrayList<>();
    random.drawn.forEach(n -> nonces.add(HEX.formatHex(n)));
    v.putPOJO("nonces", nonces);
    v.put("plaintext", HEX.formatHex(plain));
    v.put("header", HEX.formatHex(envelope, 0, EnvelopeFormat.HEADER_SIZE));
    v.put("envelope", HEX.formatHex(envelope));
    v.put("envelope_sha256", HEX.formatHex(sha256(envelope)));
    JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(name + ".json").toFile(), v);
  }

  private static byte[] sha256(byte[] b) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(b);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** SHA-256 in counter mode over a label: reproducible, and recorded draw by draw. */
  private static final class Deterministic implements RandomSource {
    final List<byte[]> drawn = new ArrayList<>();
    private final String label;
    private int counter;

    Deterministic(String label) {
      this.label = label;
    }

    byte[] next(int n) {
      byte[] out = new byte[n];
      nextBytes(out);
      return out;
    }

    @Override
    public void nextBytes(byte[] out) {
      byte[] block = sha256(("vaultgate test vector " + label + " " + counter++)
          .getBytes(StandardCharsets.US_ASCII));
      System.arraycopy(block, 0, out, 0, out.length);
      drawn.add(out.clone());
    }
  }

  private static JsonNode load(String name) throws IOException {
    try (InputStream in = KnownAnswerVectorsTest.class.getResourceAsStream(
        "/vectors/" + name + ".json")) {
      assertThat(in).as("vector %s", name).isNotNull();
      return JSON.readTree(in);
    }
  }

  private static byte[] hex(JsonNode v, String field) {
    return HEX.parseHex(v.get(field).asText());
  }

  private static DataKey dek(JsonNode v) {
    return DataKey.fromBytes(hex(v, "dek"), InsecureKeyAccess.get());
  }

  private static EnvelopeContext ctx(JsonNode v) {
    return new EnvelopeContext(v.get("tenant_id").asText(), v.get("file_id").asText());
  }
}
