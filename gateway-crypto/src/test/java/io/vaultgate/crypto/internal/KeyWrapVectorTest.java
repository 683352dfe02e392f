package io.vaultgate.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.KekId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Known-answer vector for a wrapped DEK ({@code vectors/key-wrap.json}): the KEK, DEK, context, KEK
 * version, nonce, associated data and wrapped bytes, as docs/format.md §1.1 describes them.
 */
class KeyWrapVectorTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void vector_unwrapsToItsDek_andRewrapsToTheSameBytes() throws IOException {
    JsonNode v;
    try (InputStream in = getClass().getResourceAsStream("/vectors/key-wrap.json")) {
      assertThat(in).isNotNull();
      v = JSON.readTree(in);
    }
    SecretKeySpec kek = new SecretKeySpec(HEX.parseHex(v.get("kek").asText()), "AES");
    EnvelopeContext ctx = new EnvelopeContext(v.get("tenant_id").asText(), v.get("file_id").asText());
    KekId kekId = new KekId(ctx.tenantId(), v.get("kek_version").asInt());
    byte[] aad = KeyWrap.associatedData(v.get("provider").asText(), ctx, kekId);
    assertThat(HEX.formatHex(aad)).isEqualTo(v.get("aad").asText());

    byte[] nonce = HEX.parseHex(v.get("nonce").asText());
    KeyWrap wrap = new KeyWrap(null, out -> System.arraycopy(nonce, 0, out, 0, out.length));
    byte[] wrapped = HEX.parseHex(v.get("wrapped").asText());
    DataKey dek = wrap.unwrap(kek, aad, wrapped);
    assertThat(HEX.formatHex(dek.toByteArray(InsecureKeyAccess.get())))
        .isEqualTo(v.get("dek").asText());
    assertThat(wrap.wrap(kek, aad, dek)).isEqualTo(wrapped);
  }

  @Test
  @EnabledIfSystemProperty(named = "vaultgate.writeVectors", matches = "true")
  void writeVector() throws IOException {
    byte[] kek = new byte[32];
    byte[] dek = new byte[32];
    byte[] nonce = new byte[12];
    for (int i = 0; i < 32; i++) {
      kek[i] = (byte) i;
      dek[i] = (byte) (0xa0 + i);
    }
    for (int i = 0; i < 12; i++) {
      nonce[i] = (byte) (0xf0 + i);
    }
    EnvelopeContext ctx = new EnvelopeContext("tenant-wrap", "file-0001-wrap");
    KekId kekId = new KekId(ctx.tenantId(), 3);
    byte[] aad = KeyWrap.associatedData("keystore", ctx, kekId);
    KeyWrap wrap = new KeyWrap(null, out -> System.arraycopy(nonce, 0, out, 0, out.length));
    byte[] wrapped = wrap.wrap(new SecretKeySpec(kek, "AES"), aad,
        DataKey.fromBytes(dek, InsecureKeyAccess.get()));
    ObjectNode v = JSON.createObjectNode();
    v.put("name", "key-wrap");
    v.put("description", "A DEK wrapped with AES-256-GCM under a KEK (docs/format.md 1.1).");
    v.put("provider", "keystore");
    v.put("tenant_id", ctx.tenantId());
    v.put("file_id", ctx.fileId());
    v.put("kek_version", kekId.version());
    v.put("kek", HEX.formatHex(kek));
    v.put("dek", HEX.formatHex(dek));
    v.put("nonce", HEX.formatHex(nonce));
    v.put("aad", HEX.formatHex(aad));
    v.put("wrapped", HEX.formatHex(wrapped));
    JSON.writerWithDefaultPrettyPrinter()
        .writeValue(Files.createDirectories(Path.of("src/test/resources/vectors"))
            .resolve("key-wrap.json").toFile(), v);
  }
}
