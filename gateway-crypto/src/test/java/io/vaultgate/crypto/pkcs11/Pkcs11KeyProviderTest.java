package io.vaultgate.crypto.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import java.security.KeyStore;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class Pkcs11KeyProviderTest {
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  private final EnvelopeContext ctx = new EnvelopeContext(tenant, "file-1");

  @Test
  void wrappedKey_unwrapsWithANewSession() {
    DataKey dek = DataKey.generate();
    KeySlot slot;
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      assertThat(p.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 1));
      slot = p.wrap(ctx, dek);
      assertThat(slot.provider()).isEqualTo("pkcs11");
      assertThat(p.unwrap(ctx, slot)).isEqualTo(dek);
    }
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      assertThat(p.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 1));
      assertThat(p.unwrap(ctx, slot)).isEqualTo(dek);
    }
  }

  @Test
  void kek_isSensitiveAndNotExtractable() throws Exception {
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      p.ensureTenant(tenant);
    }
    java.security.Provider sun = java.security.Security.getProvider("SunPKCS11")
        .configure(SoftHsm.token().sunPkcs11Config());
    KeyStore ks = KeyStore.getInstance("PKCS11", sun);
    ks.load(null, SoftHsm.PIN);
    String alias = io.vaultgate.crypto.internal.KekAliases.kek(new KekId(tenant, 1));
    SecretKey kek = (SecretKey) ks.getKey(alias, null);
    assertThat(kek).isNotNull();
    assertThat(kek.getEncoded()).as("KEK bytes must not leave the token").isNull();
    ((java.security.AuthProvider) sun).logout();
  }

  @Test
  void slotForAnotherFile_orRelabelledVersion_failsAuthentication() {
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      p.ensureTenant(tenant);
      KeySlot slot = p.wrap(ctx, DataKey.generate());
      assertThatThrownBy(() -> p.unwrap(new EnvelopeContext(tenant, "file-2"), slot))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      p.rotate(tenant);
      KeySlot relabelled = new KeySlot("pkcs11", new KekId(tenant, 2), slot.wrapped());
      assertThatThrownBy(() -> p.unwrap(ctx, relabelled))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
      byte[] flipped = slot.wrapped();
      flipped[20] ^= 1;
      assertThatThrownBy(() -> p.unwrap(ctx, new KeySlot("pkcs11", slot.kek(), flipped)))
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
  }

  @Test
  void aTokenSharedWithAnotherApplication_opens_andIgnoresItsKeys() throws Exception {
    java.security.Provider sun = java.security.Security.getProvider("SunPKCS11")
        .configure(SoftHsm.token().sunPkcs11Config());
    KeyStore ks = KeyStore.getInstance("PKCS11", sun);
    ks.load(null, SoftHsm.PIN);
    javax.crypto.KeyGenerator g = javax.crypto.KeyGenerator.getInstance("AES", sun);
    g.init(128);
    String foreign = "kek.master"; // another application's key, named like ours
    ks.setEntry(foreign, new KeyStore.SecretKeyEntry(g.generateKey()), null);
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      p.ensureTenant(tenant);
      DataKey dek = DataKey.generate();
      assertThat(p.unwrap(ctx, p.wrap(ctx, dek))).isEqualTo(dek);
    } finally {
      ks.deleteEntry(foreign);
    }
  }

  @Test
  void wrongModuleOrSlot_isProviderUnavailable_namingWhatToCheck() {
    Pkcs11Config token = SoftHsm.token();
    Pkcs11Config noModule = new Pkcs11Config("vaultgate-test", java.nio.file.Path.of("/nonexistent/libpkcs11.so"),
        token.slot());
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(noModule, SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("/nonexistent/libpkcs11.so");
    Pkcs11Config noSlot = new Pkcs11Config("vaultgate-test", token.library(), token.slot() + 7);
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(noSlot, SoftHsm.PIN))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining("slot " + (token.slot() + 7))
        .hasMessageNotContaining(new String(SoftHsm.PIN));
  }

  @Test
  void wrongPin_isProviderUnavailable() {
    Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN).close();
    assertThatThrownBy(() -> Pkcs11KeyProvider.open(SoftHsm.token(), "00000000".toCharArray()))
        .isInstanceOf(CryptoException.ProviderUnavailable.class);
  }

  @Test
  void stateSurvivesReopen_disabledAndDestroyed() {
    String other = tenant + "-b";
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      p.ensureTenant(tenant);
      p.rotate(tenant);
      p.disable(new KekId(tenant, 1));
      p.ensureTenant(other);
      p.destroyTenant(other);
    }
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN)) {
      assertThat(p.versions(tenant)).containsExactly(1, 2);
      assertThat(p.ensureTenant(tenant).version()).isEqualTo(2);
      assertThatThrownBy(() -> p.ensureTenant(other))
          .isInstanceOf(CryptoException.KeyDestroyed.class);
      assertThat(p.versions(other)).isEmpty();
    }
  }
}
