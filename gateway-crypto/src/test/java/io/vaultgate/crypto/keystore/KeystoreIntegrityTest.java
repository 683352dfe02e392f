package io.vaultgate.crypto.keystore;

import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.FAST;
import static io.vaultgate.crypto.keystore.KeystoreKeyProviderTest.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.KekId;
import io.vaultgate.crypto.internal.KekAliases;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PKCS#12 MAC is what binds each separately encrypted KEK to its alias, and the JDK's loader checks it only
 * when the file has one. Someone who may write {@code kek.p12} but lacks the master secret could otherwise drop
 * the MAC and file tenant alpha's KEK as beta's newest version: beta's new files would be wrapped with alpha's KEK,
 * which beta's crypto-shred would not destroy. A store without a MAC is refused, and every store written has one.
 */
class KeystoreIntegrityTest {
  private static final int PREFIX_SIZE = 31;

  @TempDir Path dir;

  @Test
  void aStoreWhoseMacWasRemovedToRelabelAKek_isRefusedAndLeftAsItWas() throws Exception {
    Path ks = dir.resolve("kek.p12");
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks, SECRET, FAST)) {
      p.ensureTenant("alpha");
      p.ensureTenant("beta");
    }
    byte[] tampered = withoutMac(Files.readAllBytes(ks),
        KekAliases.kek(new KekId("alpha", 1)), KekAliases.kek(new KekId("beta", 2)));
    Files.write(ks, tampered);

    assertThatThrownBy(() -> KeystoreKeyProvider.open(ks, SECRET))
        .isInstanceOf(CryptoException.ProviderUnavailable.class)
        .hasMessageContaining(ks.toString())
        .hasMessageContaining("no integrity check");
    assertThat(Files.readAllBytes(ks)).isEqualTo(tampered);
  }

  @Test
  void everyStoreTheProviderWrites_carriesAMac() throws Exception {
    Path ks = dir.resolve("kek.p12");
    try (KeystoreKeyProvider p = KeystoreKeyProvider.create(ks, SECRET, FAST)) {
      assertThat(mac(ks)).isNotNull();
      p.ensureTenant("alpha");
      assertThat(mac(ks)).isNotNull();
      p.rotate("alpha");
      assertThat(mac(ks)).isNotNull();
      p.destroyTenant("alpha");
      assertThat(mac(ks)).isNotNull();
    }
  }

  private static Object mac(Path ks) throws Exception {
    byte[] file = Files.readAllBytes(ks);
    return Pfx.getInstance(Arrays.copyOfRange(file, PREFIX_SIZE, file.length)).getMacData();
  }

  /** The file with the KEK bag named {@code from} copied under the name {@code to}, and no MAC. */
  private static byte[] withoutMac(byte[] file, String from, String to) throws Exception {
    Pfx pfx = Pfx.getInstance(Arrays.copyOfRange(file, PREFIX_SIZE, file.length));
    AuthenticatedSafe safe = AuthenticatedSafe.getInstance(
        ASN1OctetString.getInstance(pfx.getAuthSafe().getContent()).getOctets());
    List<ContentInfo> infos = new ArrayList<>();
    for (ContentInfo info : safe.getContentInfo()) {
      if (!info.getContentType().equals(PKCSObjectIdentifiers.data)) {
        infos.add(info);
        continue;
      }
      ASN1EncodableVector bags = new ASN1EncodableVector();
      for (ASN1Encodable e : ASN1Sequence.getInstance(ASN1OctetString.getInstance(info.getContent()).getOctets())) {
        SafeBag bag = SafeBag.getInstance(e);
        bags.add(bag);
        if (from.equalsIgnoreCase(friendlyName(bag))) {
          bags.add(renamed(bag, to));
        }
      }
      infos.add(new ContentInfo(PKCSObjectIdentifiers.data,
          new DEROctetString(new DERSequence(bags).getEncoded(ASN1Encoding.DER))));
    }
    Pfx noMac = new Pfx(new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(
        new AuthenticatedSafe(infos.toArray(new ContentInfo[0])).getEncoded(ASN1Encoding.DER))), null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, PREFIX_SIZE);
    out.writeBytes(noMac.getEncoded(ASN1Encoding.DER));
    return out.toByteArray();
  }

  private static String friendlyName(SafeBag bag) {
    if (bag.getBagAttributes() != null) {
      for (ASN1Encodable a : bag.getBagAttributes()) {
        Attribute attr = Attribute.getInstance(a);
        if (attr.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_friendlyName)) {
          return ASN1BMPString.getInstance(attr.getAttrValues().getObjectAt(0)).getString();
        }
      }
    }
    return "";
  }

  private static SafeBag renamed(SafeBag bag, String alias) {
    ASN1EncodableVector attrs = new ASN1EncodableVector();
    for (ASN1Encodable a : bag.getBagAttributes()) {
      Attribute attr = Attribute.getInstance(a);
      attrs.add(attr.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_friendlyName)
          ? new Attribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERSet(new DERBMPString(alias)))
          : attr);
    }
    return new SafeBag(bag.getBagId(), bag.getBagValue(), new DERSet(attrs));
  }
}
