package io.vaultgate.crypto.internal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.KekId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.ProviderException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Wraps data keys with AES-256-GCM under a KEK, in software or inside an HSM (whichever JCA
 * provider holds the KEK). Wrapped bytes: {@code nonce (12) || encrypted DEK (32) || tag (16)}.
 *
 * <p>Associated data:
 *
 * <pre>
 * "vaultgate/kek-wrap/v1" || 0x00 || u8 len || provider name || u8 len || tenant id
 *     || u8 len || file id || u32 KEK version (big-endian)
 * </pre>
 */
public final class KeyWrap {
  /** Length of a wrapped data key. */
  public static final int WRAPPED_SIZE = 12 + DataKey.SIZE + 16;

  private final Provider provider;
  private final RandomSource random;

  /** @param provider the JCA provider holding the KEKs, or null for the platform default */
  public KeyWrap(Provider provider, RandomSource random) {
    this.provider = provider;
    this.random = random;
  }

  /** The associated data binding a wrap to its provider, tenant, file and KEK version. */
  public static byte[] associatedData(String providerName, EnvelopeContext ctx, KekId kek) {
    if (!kek.tenantId().equals(ctx.tenantId())) {
      throw new IllegalArgumentException("KEK " + kek + " does not belong to tenant " + ctx.tenantId());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("vaultgate/kek-wrap/v1".getBytes(StandardCharsets.US_ASCII));
    out.write(0);
    Ascii.putPrefixed(out, providerName);
    Ascii.putPrefixed(out, ctx.tenantId());
    Ascii.putPrefixed(out, ctx.fileId());
    Ascii.putInt(out, kek.version());
    return out.toByteArray();
  }

  /** Encrypts the DEK under {@code kek}. */
  public byte[] wrap(SecretKey kek, byte[] aad, DataKey dek) {
    byte[] out = new byte[WRAPPED_SIZE];
    byte[] nonce = new byte[12];
    random.nextBytes(nonce);
    byte[] dekBytes = dek.toByteArray(InsecureKeyAccess.get());
    try {
      Cipher c = cipher();
      c.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(128, nonce));
      c.updateAAD(aad);
      byte[] ct = c.doFinal(dekBytes);
      System.arraycopy(nonce, 0, out, 0, 12);
      System.arraycopy(ct, 0, out, 12, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new CryptoException.ProviderUnavailable("wrapping the data key failed", e);
    } catch (ProviderException e) { // SunPKCS11: the token was removed, its session is gone
      throw new CryptoException.ProviderUnavailable("wrapping the data key failed", e);
    } finally {
      Arrays.fill(dekBytes, (byte) 0);
    }
  }

  /**
   * Decrypts a wrapped DEK.
   *
   * @throws CryptoException.AuthenticationFailed if the bytes or associated data were altered
   */
  public DataKey unwrap(SecretKey kek, byte[] aad, byte[] wrapped) {
    if (wrapped.length != WRAPPED_SIZE) {
      throw new CryptoException.AuthenticationFailed();
    }
    byte[] dekBytes = null;
    try {
      Cipher c = cipher();
      c.init(Cipher.DECRYPT_MODE, kek, new GCMParameterSpec(128, wrapped, 0, 12));
      c.updateAAD(aad);
      dekBytes = c.doFinal(wrapped, 12, wrapped.length - 12);
      return DataKey.fromBytes(dekBytes, InsecureKeyAccess.get());
    } catch (AEADBadTagException e) {
      throw new CryptoException.AuthenticationFailed();
    } catch (GeneralSecurityException e) {
      throw providerFailure(e);
    } catch (ProviderException e) { // SunPKCS11: the token was removed, its session is gone
      throw new CryptoException.ProviderUnavailable("unwrapping the data key failed", e);
    } finally {
      if (dekBytes != null) {
        Arrays.fill(dekBytes, (byte) 0);
      }
    }
  }

  private static CryptoException providerFailure(GeneralSecurityException e) {
    // Some PKCS#11 modules report a bad tag as a generic failure (CKR_ENCRYPTED_DATA_INVALID).
    String m = String.valueOf(e.getMessage()) + " " + e.getCause();
    if (m.contains("CKR_ENCRYPTED_DATA_INVALID") || m.contains("CKR_DATA_INVALID")
        || m.contains("CKR_ENCRYPTED_DATA_LEN_RANGE")) {
      return new CryptoException.AuthenticationFailed();
    }
    return new CryptoException.ProviderUnavailable("unwrapping the data key failed", e);
  }

  private Cipher cipher() throws GeneralSecurityException {
    return provider == null
        ? Cipher.getInstance("AES/GCM/NoPadding")
        : Cipher.getInstance("AES/GCM/NoPadding", provider);
  }
}
