package io.vaultgate.crypto.seal;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.InsecureKeyAccess;
import io.vaultgate.crypto.internal.Ascii;
import io.vaultgate.crypto.internal.Hkdf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * Seals a file's data key to a site's X25519 key, so that the stored envelope can be forwarded as it is
 * and only the site can open it (ECIES in the manner of HPKE base mode, one recipient):
 *
 * <pre>
 * eph      = fresh X25519 key pair, one per seal
 * shared   = X25519(eph.private, site.public)            (an all-zero result is refused)
 * info     = "vaultgate/sealed-forward/v1" || 0x00 || u8 len || tenant id || u8 len || file id
 *            || u8 len || site id
 * kek      = HKDF-SHA256(salt = eph.public || site.public, ikm = shared, info, 32 bytes)
 * wrapped  = AES-256-GCM(kek, nonce = 0^96, plaintext = DEK, associated data = info)
 * sealed   = 0x01 || eph.public || wrapped                (81 bytes, {@link SealedDataKey})
 * </pre>
 *
 * The all-zero nonce is safe because every kek is used once: it depends on a fresh ephemeral key. The
 * site's public key in the salt binds the seal to that recipient; tenant, file and site in info and
 * associated data bind it to one file for one site. Every failure to open is one {@code AuthenticationFailed}.
 */
public final class DataKeySealer {

  private static final byte[] LABEL = "vaultgate/sealed-forward/v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZERO_NONCE = new byte[12];

  private final SecureRandom random;

  public DataKeySealer(SecureRandom random) {
    this.random = random;
  }

  /** Seals {@code dek} to {@code site} for {@code ctx}, with a fresh ephemeral key. */
  public SealedDataKey seal(DataKey dek, SitePublicKey site, SealContext ctx) {
    byte[] ephemeral = new byte[X25519.SCALAR_SIZE];
    random.nextBytes(ephemeral);
    try {
      return seal(dek, site, ctx, ephemeral);
    } finally {
      Arrays.fill(ephemeral, (byte) 0);
    }
  }

  /** Seals with a given ephemeral private key: for known-answer vectors only. */
  static SealedDataKey seal(DataKey dek, SitePublicKey site, SealContext ctx, byte[] ephemeralPrivate) {
    byte[] ephemeralPublic = new byte[X25519.POINT_SIZE];
    X25519.scalarMultBase(ephemeralPrivate, 0, ephemeralPublic, 0);
    byte[] shared = new byte[X25519.POINT_SIZE];
    if (!X25519.calculateAgreement(ephemeralPrivate, 0, site.bytes(), 0, shared, 0)) {
      throw new IllegalArgumentException("the site key is a low-order point; it cannot receive sealed keys");
    }
    byte[] info = info(ctx);
    byte[] kek = kek(shared, ephemeralPublic, site.bytes(), info);
    byte[] plain = dek.toByteArray(InsecureKeyAccess.get());
    try {
      return SealedDataKey.of(ephemeralPublic, gcm(Cipher.ENCRYPT_MODE, kek, info, plain));
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("encryption cannot fail authentication", e);
    } finally {
      Arrays.fill(plain, (byte) 0);
      Arrays.fill(kek, (byte) 0);
    }
  }

  /**
   * Opens a sealed key with the site's private key.
   *
   * @throws CryptoException.AuthenticationFailed if it was sealed to another key or for another tenant,
   *     file or site, or was altered
   */
  public static DataKey open(SealedDataKey sealed, SitePrivateKey site, SealContext ctx) {
    byte[] ephemeralPublic = sealed.ephemeralPublic();
    byte[] shared = new byte[X25519.POINT_SIZE];
    if (!site.agree(ephemeralPublic, shared)) {
      throw new CryptoException.AuthenticationFailed();
    }
    byte[] info = info(ctx);
    byte[] kek = kek(shared, ephemeralPublic, site.publicKey().bytes(), info);
    byte[] plain = null;
    try {
      plain = gcm(Cipher.DECRYPT_MODE, kek, info, sealed.wrapped());
      return DataKey.fromBytes(plain, InsecureKeyAccess.get());
    } catch (AEADBadTagException e) {
      throw new CryptoException.AuthenticationFailed();
    } finally {
      Arrays.fill(kek, (byte) 0);
      if (plain != null) {
        Arrays.fill(plain, (byte) 0);
      }
    }
  }

  /** The HKDF info, also the associated data of the wrap. */
  static byte[] info(SealContext ctx) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(LABEL);
    out.write(0);
    Ascii.putPrefixed(out, ctx.tenantId());
    Ascii.putPrefixed(out, ctx.fileId());
    Ascii.putPrefixed(out, ctx.siteId());
    return out.toByteArray();
  }

  static byte[] kek(byte[] shared, byte[] ephemeralPublic, byte[] sitePublic, byte[] info) {
    byte[] salt = new byte[ephemeralPublic.length + sitePublic.length];
    System.arraycopy(ephemeralPublic, 0, salt, 0, ephemeralPublic.length);
    System.arraycopy(sitePublic, 0, salt, ephemeralPublic.length, sitePublic.length);
    byte[] prk = Hkdf.extract(salt, shared);
    try {
      return Hkdf.expand(prk, info, 32);
    } finally {
      Arrays.fill(prk, (byte) 0);
      Arrays.fill(shared, (byte) 0);
    }
  }

  private static byte[] gcm(int mode, byte[] kek, byte[] aad, byte[] input) throws AEADBadTagException {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, new SecretKeySpec(kek, "AES"), new GCMParameterSpec(128, ZERO_NONCE));
      cipher.updateAAD(aad);
      return cipher.doFinal(input);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is unavailable", e);
    }
  }
}
