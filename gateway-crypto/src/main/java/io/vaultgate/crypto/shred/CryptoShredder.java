package io.vaultgate.crypto.shred;

import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeySlot;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Crypto-shredding with a signed record of each act.
 *
 * <ul>
 *   <li>A tenant: every KEK version is destroyed in the provider, so every file of the tenant is
 *       unreadable, wherever its ciphertext or wrapped keys were copied.
 *   <li>A file: its key slot is the only copy of its DEK; the caller deletes the slot (the catalog
 *       row) and this class signs the record naming it. Ciphertext may stay; it is noise now.
 * </ul>
 */
public final class CryptoShredder {
  private final KeyProvider provider;
  private final ShreddingSigner signer;
  private final Clock clock;

  public CryptoShredder(KeyProvider provider, ShreddingSigner signer, Clock clock) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Destroys all KEK versions of {@code tenantId} and returns the signed record.
   *
   * @throws IllegalArgumentException before anything is destroyed, if no valid record could name the
   *     act (an actor of several lines, a tenant id with a comma)
   */
  public SignedShreddingRecord shredTenant(String tenantId, String actor) {
    record(tenantId, List.of(new KekId(tenantId, 1).toString()), actor); // checked before the keys go
    List<String> keys = provider.destroyTenant(tenantId).stream().map(KekId::toString).toList();
    return signer.sign(record(tenantId, keys, actor));
  }

  private ShreddingRecord record(String tenantId, List<String> keys, String actor) {
    return new ShreddingRecord(ShreddingRecord.Kind.TENANT, tenantId, null, provider.name(), keys,
        clock.instant(), actor);
  }

  /**
   * Signs the record of a file's key slot being deleted. Call it once the slot is gone from the
   * catalog (in the same transaction, or right after it commits).
   */
  public SignedShreddingRecord recordFileShred(EnvelopeContext ctx, KeySlot deletedSlot, String actor) {
    if (!deletedSlot.kek().tenantId().equals(ctx.tenantId())) {
      throw new IllegalArgumentException("key slot does not belong to tenant " + ctx.tenantId());
    }
    String keyId = deletedSlot.kek() + "#sha256:" + sha256Hex(deletedSlot.toBytes());
    return signer.sign(new ShreddingRecord(ShreddingRecord.Kind.FILE, ctx.tenantId(), ctx.fileId(),
        deletedSlot.provider(), List.of(keyId), clock.instant(), actor));
  }

  private static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
