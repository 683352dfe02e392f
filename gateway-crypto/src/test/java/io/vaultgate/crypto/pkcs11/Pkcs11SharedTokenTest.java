package io.vaultgate.crypto.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeySlot;
import io.vaultgate.crypto.internal.KekAliases;
import io.vaultgate.crypto.shred.CryptoShredder;
import io.vaultgate.crypto.shred.ShreddingSigner;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two providers on one token, as two gateway nodes sharing an HSM (or the gateway and a {@code vaultgate
 * keys rotate} beside it): what one changes in the token, the other must see without a restart.
 */
class Pkcs11SharedTokenTest {
  private final String tenant = "s-" + UUID.randomUUID().toString().substring(0, 8);
  private final EnvelopeContext ctx = new EnvelopeContext(tenant, "file-1");
  private final Pkcs11KeyProvider nodeB = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN);
  private final Pkcs11KeyProvider nodeA = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN);

  @AfterEach
  void close() {
    nodeA.close();
    nodeB.close();
  }

  @Test
  void aTenantCreatedOnAnotherNode_unwrapsAndWrapsHere_withoutASecondVersionOne() throws Exception {
    nodeA.ensureTenant(tenant);
    DataKey dek = DataKey.generate();
    KeySlot slot = nodeA.wrap(ctx, dek);
    assertThat(nodeB.unwrap(ctx, slot)).isEqualTo(dek);
    assertThat(nodeB.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 1));
    KeySlot fromB = nodeB.wrap(ctx, dek);
    assertThat(nodeA.unwrap(ctx, fromB)).isEqualTo(dek);
    assertThat(labels()).filteredOn(a -> a.equals(KekAliases.kek(new KekId(tenant, 1)))).hasSize(1);
  }

  @Test
  void aRotationOnAnotherNode_isSeenHereAtOnce_afterReload_notOnlyAfterTheReindexPeriod() {
    nodeA.ensureTenant(tenant);
    assertThat(nodeB.active(tenant)).isEqualTo(new KekId(tenant, 1)); // B's index now holds version 1
    nodeA.rotate(tenant);
    assertThat(nodeB.active(tenant)).as("within the re-index period, B's index is stale")
        .isEqualTo(new KekId(tenant, 1));

    assertThat(nodeB.reload()).isTrue();

    assertThat(nodeB.active(tenant)).isEqualTo(new KekId(tenant, 2));
    assertThat(nodeB.versions(tenant)).containsExactly(1, 2);
  }

  @Test
  void aKekAnotherNodeCreatesWhileThisNodeCreatesTheSame_isAdopted_notReplaced() throws Exception {
    String label = KekAliases.kek(new KekId(tenant, 1));
    byte[] iv = new byte[12];
    byte[][] sealedElsewhere = new byte[1][];
    KeyStore[] elsewhere = new KeyStore[1];
    nodeA.beforeStore(() -> { // node B creates the same version after A read the token, before A stores it
      try {
        elsewhere[0] = rawToken();
        javax.crypto.KeyGenerator g = javax.crypto.KeyGenerator.getInstance("AES", elsewhere[0].getProvider());
        g.init(256);
        elsewhere[0].setEntry(label, new KeyStore.SecretKeyEntry(g.generateKey()), null);
        sealedElsewhere[0] = gcm(javax.crypto.Cipher.ENCRYPT_MODE, elsewhere[0], label, iv, "wrapped by B".getBytes());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    assertThat(nodeA.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 1));

    assertThat(new String(gcm(javax.crypto.Cipher.DECRYPT_MODE, rawToken(), label, iv, sealedElsewhere[0])))
        .as("what B sealed with its KEK still opens: A did not replace it").isEqualTo("wrapped by B");
    DataKey dek = DataKey.generate();
    assertThat(nodeB.unwrap(ctx, nodeA.wrap(ctx, dek))).as("A wraps with the KEK B made").isEqualTo(dek);
  }

  private static KeyStore rawToken() throws Exception {
    java.security.Provider sun = java.security.Security.getProvider("SunPKCS11")
        .configure(SoftHsm.token().sunPkcs11Config());
    KeyStore raw = KeyStore.getInstance("PKCS11", sun);
    raw.load(null, SoftHsm.PIN);
    return raw;
  }

  private static byte[] gcm(int mode, KeyStore token, String label, byte[] iv, byte[] input) throws Exception {
    javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding", token.getProvider());
    c.init(mode, (javax.crypto.SecretKey) token.getKey(label, null), new javax.crypto.spec.GCMParameterSpec(128, iv));
    return c.doFinal(input);
  }

  @Test
  void aRotationOnAnotherNode_isSeenHere_forUnwrapAndWrap() {
    nodeA.ensureTenant(tenant);
    nodeB.ensureTenant(tenant);
    DataKey dek = DataKey.generate();
    KeySlot old = nodeB.wrap(ctx, dek);
    assertThat(nodeA.rotate(tenant)).isEqualTo(new KekId(tenant, 2));
    KeySlot moved = nodeA.rewrap(ctx, old);
    assertThat(nodeB.unwrap(ctx, moved)).isEqualTo(dek);
    assertThat(nodeB.wrap(ctx, dek).kek()).isEqualTo(new KekId(tenant, 2));
    assertThat(nodeB.rotate(tenant)).isEqualTo(new KekId(tenant, 3));
  }

  @Test
  void aRotationOnAnotherNode_reachesNewWrapsHere_afterTheReindexInterval() {
    try (Pkcs11KeyProvider eager = Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN, Duration.ZERO)) {
      eager.ensureTenant(tenant);
      nodeA.rotate(tenant);
      DataKey dek = DataKey.generate();
      assertThat(eager.wrap(ctx, dek).kek()).as("its interval is over: it re-read the token")
          .isEqualTo(new KekId(tenant, 2));
    }
  }

  @Test
  void shreddingOnOneNode_destroysVersionsAnotherNodeCreated() throws Exception {
    nodeB.ensureTenant(tenant);
    nodeA.ensureTenant(tenant);
    nodeA.rotate(tenant);
    KeySlot slot = nodeA.wrap(ctx, DataKey.generate());
    nodeB.destroyTenant(tenant);
    String v1 = KekAliases.kek(new KekId(tenant, 1));
    String versionPrefix = v1.substring(0, v1.length() - 1);
    assertThat(labels()).as("no KEK version of the tenant is left in the token")
        .noneMatch(a -> a.startsWith(versionPrefix));
    assertThatThrownBy(() -> nodeA.unwrap(ctx, slot)).isInstanceOf(CryptoException.KeyDestroyed.class);
  }

  @Test
  void aShreddingRecord_namesEveryVersionDestroyed_alsoOnesAnotherNodeCreated() {
    nodeB.ensureTenant(tenant);
    nodeA.ensureTenant(tenant);
    nodeA.rotate(tenant);
    ShreddingSigner signer = ShreddingSigner.generate();
    SignedShreddingRecord signed = new CryptoShredder(nodeB, signer, Clock.systemUTC())
        .shredTenant(tenant, "admin:alice");
    assertThat(signed.record().keyIds()).containsExactly(tenant + "/v1", tenant + "/v2");
    assertThat(signed.verify(signer.publicKey())).isTrue();
  }

  @Test
  void aShreddingCutOffAfterItsTombstone_isCompletedByTheNextOne() throws Exception {
    nodeA.ensureTenant(tenant);
    nodeA.rotate(tenant);
    nodeA.disable(new KekId(tenant, 1));
    // A process died after storing the tenant's tombstone, before deleting its KEKs.
    java.security.Provider sun = java.security.Security.getProvider("SunPKCS11")
        .configure(SoftHsm.token().sunPkcs11Config());
    KeyStore raw = KeyStore.getInstance("PKCS11", sun);
    raw.load(null, SoftHsm.PIN);
    javax.crypto.KeyGenerator g = javax.crypto.KeyGenerator.getInstance("AES", sun);
    g.init(128);
    raw.setEntry(KekAliases.tomb(tenant), new KeyStore.SecretKeyEntry(g.generateKey()), null);

    assertThat(nodeB.destroyTenant(tenant)).containsExactly(new KekId(tenant, 1), new KekId(tenant, 2));

    String v1 = KekAliases.kek(new KekId(tenant, 1));
    String versionPrefix = v1.substring(0, v1.length() - 1);
    assertThat(labels()).as("no KEK object of the tenant is left in the token")
        .noneMatch(a -> a.startsWith(versionPrefix)).contains(KekAliases.tomb(tenant));
    assertThatThrownBy(() -> nodeB.destroyTenant(tenant)).as("nothing is left to destroy")
        .isInstanceOf(CryptoException.KeyDestroyed.class);
  }

  private static List<String> labels() throws Exception {
    java.security.Provider sun = java.security.Security.getProvider("SunPKCS11")
        .configure(SoftHsm.token().sunPkcs11Config());
    KeyStore ks = KeyStore.getInstance("PKCS11", sun);
    ks.load(null, SoftHsm.PIN);
    // No logout here: PKCS#11 login state is per process, so it would log the two nodes out too.
    return Collections.list(ks.aliases());
  }
}
