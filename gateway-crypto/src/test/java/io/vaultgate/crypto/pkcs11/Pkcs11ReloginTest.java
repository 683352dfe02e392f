package io.vaultgate.crypto.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.DataKey;
import io.vaultgate.crypto.EnvelopeContext;
import io.vaultgate.crypto.KeySlot;
import java.security.AuthProvider;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The token loses this process's login while the provider is in use, as it does when the HSM restarts, the token is
 * removed and put back or a network HSM fails over (every session and the login are gone). Here the login is ended
 * with {@code C_Logout} by a second JCA provider of the same token in this JVM (login state is per process and
 * token). On the test's own token ({@link SoftHsm#OTHER}), so the fixture's token stays logged in for other tests.
 * Before, every later wrap and unwrap failed ({@code ProviderUnavailable}) until the process restarted: the provider
 * re-read the token without a PIN, which a lost login refuses.
 */
class Pkcs11ReloginTest {
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
  private final EnvelopeContext ctx = new EnvelopeContext(tenant, "file-1");

  /**
   * By slot; this JVM reads the token list ({@link TokenSlots#EXPORT_OPTION}), so the token is identified and can be
   * checked at a login again (one that cannot read it does not log in again: review26a L1).
   */
  private static Pkcs11Config other() {
    return new Pkcs11Config("vaultgate-test", SoftHsm.library(), SoftHsm.slots(SoftHsm.OTHER).get(0));
  }

  /** Ends this process's login to the token, as a restarted HSM or a token put back does. */
  private static void endTheLogin() throws Exception {
    Provider second = Security.getProvider("SunPKCS11")
        .configure(other().sunPkcs11Config());
    KeyStore ks = KeyStore.getInstance("PKCS11", second);
    ks.load(null, SoftHsm.PIN);
    ((AuthProvider) second).logout();
  }

  @Test
  void afterTheLoginIsLost_wrapsAndUnwraps_logInAgain_andSucceed() throws Exception {
    AtomicInteger pinReads = new AtomicInteger();
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(other(), () -> {
      pinReads.incrementAndGet();
      return SoftHsm.PIN.clone();
    })) {
      p.ensureTenant(tenant);
      DataKey dek = DataKey.generate();
      KeySlot stored = p.wrap(ctx, dek);

      endTheLogin();

      DataKey second = DataKey.generate();
      KeySlot wrappedAfter = p.wrap(new EnvelopeContext(tenant, "file-2"), second);
      assertThat(p.unwrap(ctx, stored)).isEqualTo(dek);
      assertThat(p.unwrap(new EnvelopeContext(tenant, "file-2"), wrappedAfter)).isEqualTo(second);
      assertThat(p.logins()).isEqualTo(2);
      assertThat(pinReads.get()).isEqualTo(2);

      endTheLogin();
      assertThat(p.unwrap(ctx, stored)).as("an unwrap first after the loss").isEqualTo(dek);
      assertThat(p.logins()).isEqualTo(3);
    }
  }

  @Test
  void aPinTheTokenRefusesWhenLoggingInAgain_isNotTriedAgain() throws Exception {
    AtomicInteger pinReads = new AtomicInteger();
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(other(), () ->
        pinReads.incrementAndGet() == 1 ? SoftHsm.PIN.clone() : "wrong-pin".toCharArray())) {
      p.ensureTenant(tenant);
      KeySlot stored = p.wrap(ctx, DataKey.generate());

      endTheLogin();

      assertThatThrownBy(() -> p.unwrap(ctx, stored)).isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageNotContaining("wrong-pin");
      assertThatThrownBy(() -> p.wrap(ctx, DataKey.generate()))
          .isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageContaining("CKR_PIN_INCORRECT").hasMessageContaining("not tried again");
      assertThat(pinReads.get()).as("one login at open, one refused login again, no more").isEqualTo(2);
    }
  }

  @Test
  void aProviderOpenedWithoutAPinSource_failsClosed_namingWhy() throws Exception {
    try (Pkcs11KeyProvider p = Pkcs11KeyProvider.open(other(), SoftHsm.PIN)) {
      p.ensureTenant(tenant);
      KeySlot stored = p.wrap(ctx, DataKey.generate());

      endTheLogin();

      assertThatThrownBy(() -> p.unwrap(ctx, stored)).isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageContaining("without a PIN source");
    }
  }
}
