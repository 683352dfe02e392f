package io.vaultgate.crypto.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.crypto.CryptoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The login to the token ({@link TokenLogin}) on SoftHSM2's {@link SoftHsm#OTHER} token: a login again is made whole
 * before it is used, and a failed one is not tried again within the backoff. ({@link Pkcs11ReloginTest} shows the
 * provider logging in again after the token really lost its login, and a refused PIN not tried again.)
 */
class TokenLoginTest {

  private static Pkcs11Config other() {
    return new Pkcs11Config("vaultgate-test", SoftHsm.library(), SoftHsm.slots(SoftHsm.OTHER).get(0));
  }

  @Test
  void aLoginAgain_isAdoptedBeforeItReplacesTheOldOne_withThePinReadAnew() {
    AtomicInteger pinReads = new AtomicInteger();
    TokenLogin login = TokenLogin.open(other(), () -> {
      pinReads.incrementAndGet();
      return SoftHsm.PIN.clone();
    }, SoftHsm.PIN);
    try {
      TokenSession first = login.session();
      assertThat(first.identity()).as("the token identified by its slot").isPresent();
      List<TokenSession> adopted = new ArrayList<>();
      List<TokenSession> inUseWhenAdopted = new ArrayList<>();
      login.relogin(new IllegalStateException("lost (test)"), fresh -> {
        adopted.add(fresh);
        inUseWhenAdopted.add(login.session());
      });
      assertThat(adopted).hasSize(1);
      assertThat(inUseWhenAdopted).as("the old login still in use while the new one is made whole")
          .containsExactly(first);
      assertThat(login.session()).isSameAs(adopted.get(0));
      assertThat(login.session().provider()).isNotSameAs(first.provider());
      assertThat(login.session().identity()).isEqualTo(first.identity());
      assertThat(login.logins()).isEqualTo(2);
      assertThat(pinReads).as("read for the login again, not kept from the first").hasValue(1);
    } finally {
      login.logout();
    }
  }

  @Test
  void aFailedLoginAgain_failsTheNextUsesAtOnce_withoutReadingThePin() {
    AtomicInteger pinReads = new AtomicInteger();
    TokenLogin login = TokenLogin.open(other(), () -> {
      pinReads.incrementAndGet();
      throw new IllegalStateException("the PIN file cannot be read (test)");
    }, SoftHsm.PIN);
    try {
      TokenSession first = login.session();
      assertThatThrownBy(() -> login.relogin(new IllegalStateException("lost (test)"), fresh -> { }))
          .isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageContaining("cannot log in to the token again");
      assertThatThrownBy(() -> login.relogin(new IllegalStateException("lost again (test)"), fresh -> { }))
          .isInstanceOf(CryptoException.ProviderUnavailable.class)
          .hasMessageContaining("logging in again failed: the PIN file cannot be read (test)")
          .hasMessageNotContaining("not tried again");
      assertThat(pinReads).as("within the backoff, the PIN is not read again").hasValue(1);
      assertThat(login.session()).as("the old login kept").isSameAs(first);
      assertThat(login.logins()).isEqualTo(1);
    } finally {
      login.logout();
    }
  }

  @Test
  void aLoginAgainThatCannotBeAdopted_isAFailedLogin() {
    TokenLogin login = TokenLogin.open(other(), SoftHsm.PIN::clone, SoftHsm.PIN);
    try {
      TokenSession first = login.session();
      assertThatThrownBy(() -> login.relogin(new IllegalStateException("lost (test)"), fresh -> {
        throw new IllegalStateException("no key wrap in the new provider (test)");
      })).isInstanceOf(CryptoException.ProviderUnavailable.class).hasMessageContaining("cannot log in to the token");
      assertThat(login.session()).isSameAs(first);
      assertThatThrownBy(() -> login.relogin(new IllegalStateException("lost (test)"), fresh -> { }))
          .as("within the backoff").hasMessageContaining("logging in again failed");
    } finally {
      login.logout();
    }
  }
}
