package io.vaultgate.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.shred.CryptoShredder;
import io.vaultgate.crypto.shred.ShreddingRecord;
import io.vaultgate.crypto.shred.ShreddingSigner;
import io.vaultgate.crypto.shred.SignedShreddingRecord;
import io.vaultgate.crypto.stream.EnvelopeReader;
import io.vaultgate.crypto.stream.EnvelopeWriter;
import io.vaultgate.crypto.stream.MemoryChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rotation, rewrap, disabling and shredding end to end, with real envelopes, for any provider. */
public abstract class KeyProviderContract {
  private static final byte[] PLAIN = "payroll batch 2026-11".getBytes(StandardCharsets.US_ASCII);
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC);

  protected final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  protected final EnvelopeContext ctx = new EnvelopeContext(tenant, "file-1");
  protected KeyProvider provider;

  protected abstract KeyProvider openProvider();

  @BeforeEach
  void open() {
    provider = openProvider();
  }

  @AfterEach
  void close() {
    provider.close();
  }

  private static byte[] seal(DataKey dek, EnvelopeContext c) throws IOException {
    MemoryChannel out = new MemoryChannel();
    try (EnvelopeWriter w = EnvelopeWriter.open(dek, c, out)) {
      w.write(ByteBuffer.wrap(PLAIN));
    }
    return out.toByteArray();
  }

  private static byte[] read(DataKey dek, EnvelopeContext c, byte[] envelope) throws IOException {
    try (EnvelopeReader r = EnvelopeReader.open(dek, c, new MemoryChannel(envelope))) {
      return r.inputStream().readAllBytes();
    }
  }

  @Test
  void rotateAndRewrap_movesSlotsToTheNewVersion_withoutTouchingThePayload() throws IOException {
    provider.ensureTenant(tenant);
    DataKey dek = DataKey.generate();
    byte[] envelope = seal(dek, ctx);
    KeySlot v1 = provider.wrap(ctx, dek);

    assertThat(provider.rotate(tenant)).isEqualTo(new KekId(tenant, 2));
    EnvelopeContext newFile = new EnvelopeContext(tenant, "file-2");
    assertThat(provider.wrap(newFile, DataKey.generate()).kek().version()).isEqualTo(2);

    KeySlot v2 = provider.rewrap(ctx, v1);
    assertThat(v2.kek()).isEqualTo(new KekId(tenant, 2));
    assertThat(provider.rewrap(ctx, v2)).isSameAs(v2);
    provider.disable(new KekId(tenant, 1));

    assertThat(read(provider.unwrap(ctx, v2), ctx, envelope)).isEqualTo(PLAIN);
    assertThatThrownBy(() -> provider.unwrap(ctx, v1)).isInstanceOf(CryptoException.KeyDisabled.class);
    assertThat(provider.versions(tenant)).containsExactly(1, 2);
  }

  @Test
  void slotRelabelledWithAnotherKekVersion_failsAuthentication() {
    provider.ensureTenant(tenant);
    KeySlot v1 = provider.wrap(ctx, DataKey.generate());
    provider.rotate(tenant);
    KeySlot v2 = provider.wrap(ctx, DataKey.generate());
    KeySlot forged = new KeySlot(v1.provider(), v2.kek(), v1.wrapped());
    assertThatThrownBy(() -> provider.unwrap(ctx, forged))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void corruptedWrappedKey_failsAuthentication_atEveryByte() {
    provider.ensureTenant(tenant);
    KeySlot slot = provider.wrap(ctx, DataKey.generate());
    byte[] wrapped = slot.wrapped();
    for (int i = 0; i < wrapped.length; i++) {
      byte[] bad = wrapped.clone();
      bad[i] ^= 0x40;
      KeySlot corrupted = new KeySlot(slot.provider(), slot.kek(), bad);
      assertThatThrownBy(() -> provider.unwrap(ctx, corrupted))
          .as("byte %d", i)
          .isInstanceOf(CryptoException.AuthenticationFailed.class);
    }
    KeySlot shortened = new KeySlot(slot.provider(), slot.kek(), java.util.Arrays.copyOf(wrapped, 59));
    assertThatThrownBy(() -> provider.unwrap(ctx, shortened))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void slotMovedToAnotherTenant_failsAuthentication() {
    String other = tenant + "-x";
    provider.ensureTenant(tenant);
    provider.ensureTenant(other);
    KeySlot slot = provider.wrap(ctx, DataKey.generate());
    KeySlot moved = new KeySlot(slot.provider(), new KekId(other, 1), slot.wrapped());
    assertThatThrownBy(() -> provider.unwrap(new EnvelopeContext(other, "file-1"), moved))
        .isInstanceOf(CryptoException.AuthenticationFailed.class);
  }

  @Test
  void ensureTenant_isIdempotent_andReturnsTheActiveVersion() {
    assertThat(provider.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 1));
    assertThat(provider.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 1));
    provider.rotate(tenant);
    assertThat(provider.ensureTenant(tenant)).isEqualTo(new KekId(tenant, 2));
  }

  @Test
  void changesToExistingKeys_ofATenantThisStoreLacks_createNoKek() {
    KeySlot elsewhere = new KeySlot(provider.name(), new KekId(tenant, 1), new byte[40]);
    assertThatThrownBy(() -> provider.active(tenant)).isInstanceOf(CryptoException.KeyNotFound.class);
    assertThatThrownBy(() -> provider.rewrap(ctx, elsewhere)).isInstanceOf(CryptoException.KeyNotFound.class);
    assertThat(provider.versions(tenant)).as("no version 1 of this store's own").isEmpty();
    provider.ensureTenant(tenant);
    assertThat(provider.active(tenant)).isEqualTo(new KekId(tenant, 1));
  }

  @Test
  void unknownTenantOrVersion_isKeyNotFound() {
    assertThatThrownBy(() -> provider.wrap(ctx, DataKey.generate()))
        .isInstanceOf(CryptoException.KeyNotFound.class);
    assertThatThrownBy(() -> provider.rotate(tenant))
        .isInstanceOf(CryptoException.KeyNotFound.class);
    provider.ensureTenant(tenant);
    KeySlot slot = provider.wrap(ctx, DataKey.generate());
    KeySlot future = new KeySlot(slot.provider(), new KekId(tenant, 9), slot.wrapped());
    assertThatThrownBy(() -> provider.unwrap(ctx, future))
        .isInstanceOf(CryptoException.KeyNotFound.class);
    assertThat(provider.versions(tenant + "-unknown")).isEmpty();
  }

  @Test
  void concurrentWrapsAndUnwraps_allRoundTrip() throws Exception {
    provider.ensureTenant(tenant);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        EnvelopeContext file = new EnvelopeContext(tenant, "file-" + i);
        results.add(pool.submit(() -> {
          DataKey dek = DataKey.generate();
          return provider.unwrap(file, provider.wrap(file, dek)).equals(dek);
        }));
        if (i == 20) {
          provider.rotate(tenant);
        }
      }
      for (java.util.concurrent.Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void slotOfAnotherProvider_isKeyNotFound() {
    provider.ensureTenant(tenant);
    KeySlot slot = provider.wrap(ctx, DataKey.generate());
    KeySlot foreign = new KeySlot("elsewhere", slot.kek(), slot.wrapped());
    assertThatThrownBy(() -> provider.unwrap(ctx, foreign))
        .isInstanceOf(CryptoException.KeyNotFound.class);
  }

  @Test
  void shreddingATenant_makesEveryFileUnreadable_andSignsWhatWasDestroyed() throws IOException {
    String bystander = tenant + "-b";
    provider.ensureTenant(tenant);
    provider.ensureTenant(bystander);
    KeySlot slot = provider.wrap(ctx, DataKey.generate());
    provider.rotate(tenant);
    EnvelopeContext bystanderFile = new EnvelopeContext(bystander, "file-1");
    DataKey bystanderDek = DataKey.generate();
    KeySlot bystanderSlot = provider.wrap(bystanderFile, bystanderDek);
    ShreddingSigner signer = ShreddingSigner.generate();

    SignedShreddingRecord signed =
        new CryptoShredder(provider, signer, CLOCK).shredTenant(tenant, "admin:alice");

    assertThatThrownBy(() -> provider.unwrap(ctx, slot))
        .isInstanceOf(CryptoException.KeyDestroyed.class);
    assertThatThrownBy(() -> provider.ensureTenant(tenant))
        .isInstanceOf(CryptoException.KeyDestroyed.class);
    assertThat(provider.unwrap(bystanderFile, bystanderSlot)).isEqualTo(bystanderDek);

    ShreddingRecord r = signed.record();
    assertThat(r.kind()).isEqualTo(ShreddingRecord.Kind.TENANT);
    assertThat(r.keyIds()).containsExactly(tenant + "/v1", tenant + "/v2");
    assertThat(r.provider()).isEqualTo(provider.name());
    assertThat(r.at()).isEqualTo(CLOCK.instant());
    assertThat(signed.verify(signer.publicKey())).isTrue();
    SignedShreddingRecord parsed = SignedShreddingRecord.parse(signed.toText());
    assertThat(parsed).isEqualTo(signed);
    assertThat(parsed.verify(signer.publicKey())).isTrue();
    String forged = signed.toText().replace("actor=admin:alice", "actor=admin:mallory");
    assertThat(SignedShreddingRecord.parse(forged).verify(signer.publicKey())).isFalse();
    assertThat(signed.verify(ShreddingSigner.generate().publicKey())).isFalse();
  }

  @Test
  void aShreddingThatCouldNotBeRecorded_isRefused_beforeAnyKeyIsDestroyed() {
    provider.ensureTenant(tenant);
    DataKey dek = DataKey.generate();
    KeySlot slot = provider.wrap(ctx, dek);
    CryptoShredder shredder = new CryptoShredder(provider, ShreddingSigner.generate(), CLOCK);
    assertThatThrownBy(() -> shredder.shredTenant(tenant, "admin:alice\nkind=FILE"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(provider.unwrap(ctx, slot)).isEqualTo(dek);
  }

  @Test
  void shreddingAFile_signsARecordNamingItsSlot() {
    provider.ensureTenant(tenant);
    KeySlot slot = provider.wrap(ctx, DataKey.generate());
    ShreddingSigner signer = ShreddingSigner.generate();
    SignedShreddingRecord signed =
        new CryptoShredder(provider, signer, CLOCK).recordFileShred(ctx, slot, "tenant-api");
    assertThat(signed.record().fileId()).isEqualTo("file-1");
    assertThat(signed.record().keyIds()).singleElement().asString()
        .startsWith(tenant + "/v1#sha256:");
    assertThat(signed.verify(signer.publicKey())).isTrue();
  }

  /**
   * What a caller may keep a key check's verdict for: the handle stays while the key is kept, a re-read of the store
   * names a new one (never an earlier one), and a version that cannot unwrap names none.
   */
  @Test
  void keyHandle_staysWhileTheKeyIsKept_isNewAfterAReread_andNoneForAVersionThatCannotUnwrap() {
    KekId v1 = provider.ensureTenant(tenant);
    OptionalLong first = provider.keyHandle(v1);
    assertThat(first).isPresent();
    assertThat(provider.keyHandle(v1)).isEqualTo(first);
    KekId v2 = provider.rotate(tenant);
    OptionalLong second = provider.keyHandle(v2);
    assertThat(second).isPresent().isNotEqualTo(first);
    if (provider.reload()) { // a shared token re-read: its keys loaded again
      assertThat(provider.keyHandle(v2)).isPresent().isNotEqualTo(second);
    }

    provider.disable(v1);
    assertThat(provider.keyHandle(v1)).as("disabled").isEmpty();
    assertThat(provider.keyHandle(new KekId(tenant, 3))).as("not held").isEmpty();
    assertThat(provider.keyHandle(new KekId("t-unknown", 1))).as("unknown tenant").isEmpty();
    provider.destroyTenant(tenant);
    assertThat(provider.keyHandle(v2)).as("destroyed").isEmpty();
  }

  /** A key check names its version, an older one too, and opens under it; a disabled version makes none. */
  @Test
  void keyCheck_ofAnOlderVersion_isWrappedByThatVersion_andRefusedForADisabledOne() {
    KekId v1 = provider.ensureTenant(tenant);
    provider.rotate(tenant);
    EnvelopeContext check = new EnvelopeContext(tenant, "vaultgate.kek-check");

    KeySlot slot = provider.keyCheck(check, v1).orElseThrow();

    assertThat(slot.kek()).isEqualTo(v1);
    provider.unwrap(check, slot).destroy();
    provider.disable(v1);
    assertThatThrownBy(() -> provider.keyCheck(check, v1)).isInstanceOf(CryptoException.KeyDisabled.class);
  }
}
