package io.vaultgate.crypto.seal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.InsecureKeyAccess;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Known-answer vector of a sealed data key ({@code vectors/seal.json}), computed by the independent Python
 * implementation {@code src/test/python/verify_seal_vector.py} from docs/format.md alone.
 */
class DataKeySealerVectorTest {

  private static final HexFormat HEX = HexFormat.of();
  private JsonNode v;

  @BeforeEach
  void load() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/vectors/seal.json")) {
      assertThat(in).isNotNull();
      v = new ObjectMapper().readTree(in);
    }
  }

  @Test
  void vector_sealsToTheSameBytes_withItsEphemeralKey() {
    SitePrivateKey site = SitePrivateKey.fromBytes(hex("site_private"), InsecureKeyAccess.get());
    assertThat(HEX.formatHex(site.publicKey().bytes())).isEqualTo(v.get("site_public").asText());
    assertThat(HEX.formatHex(DataKeySealer.info(context()))).isEqualTo(v.get("info").asText());

    SealedDataKey sealed = DataKeySealer.seal(DataKey.fromBytes(hex("dek"), InsecureKeyAccess.get()),
        site.publicKey(), context(), hex("ephemeral_private"));

    assertThat(HEX.formatHex(sealed.toBytes())).isEqualTo(v.get("sealed").asText());
  }

  @Test
  void vector_opensToItsDek_withTheSiteKey() {
    SitePrivateKey site = SitePrivateKey.fromBytes(hex("site_private"), InsecureKeyAccess.get());

    DataKey dek = DataKeySealer.open(SealedDataKey.parse(hex("sealed")), site, context());

    assertThat(HEX.formatHex(dek.toByteArray(InsecureKeyAccess.get()))).isEqualTo(v.get("dek").asText());
  }

  private SealContext context() {
    return new SealContext(v.get("tenant_id").asText(), v.get("file_id").asText(), v.get("site_id").asText());
  }

  private byte[] hex(String field) {
    return HEX.parseHex(v.get(field).asText());
  }
}
