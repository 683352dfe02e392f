package io.vaultgate.crypto.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.ProviderException;
import javax.security.auth.login.FailedLoginException;
import org.junit.jupiter.api.Test;

/** SunPKCS11 names the token's return code in a message somewhere in the cause chain ({@link ReturnCodes}). */
class ReturnCodesTest {

  @Test
  void theCodeIsFoundInACause() {
    Exception failure = new IllegalStateException("cannot log in to PKCS#11 token in slot 3: wrong PIN or token",
        new ProviderException("login failed", new FailedLoginException("CKR_PIN_INCORRECT")));
    assertThat(ReturnCodes.in(failure)).contains("CKR_PIN_INCORRECT");
    assertThat(Pkcs11KeyProvider.returnCode(failure)).as("the provider's public view").contains("CKR_PIN_INCORRECT");
  }

  @Test
  void theFirstCodeOfTheChainIsTheOneNamed() {
    Exception failure = new ProviderException("C_Login: CKR_PIN_LOCKED",
        new ProviderException("CKR_DEVICE_REMOVED"));
    assertThat(ReturnCodes.in(failure)).contains("CKR_PIN_LOCKED");
  }

  @Test
  void noCode_isEmpty_andANullMessageIsNoCode() {
    assertThat(ReturnCodes.in(new IllegalStateException("no token labelled 'x'"))).isEmpty();
    assertThat(ReturnCodes.in(new IllegalStateException((String) null))).isEmpty();
  }

  @Test
  void onlyTheTokenRefusingThePin_isAPinRefusal() {
    for (String code : new String[] {"CKR_PIN_INCORRECT", "CKR_PIN_LOCKED", "CKR_PIN_EXPIRED", "CKR_PIN_INVALID",
        "CKR_PIN_LEN_RANGE"}) {
      assertThat(ReturnCodes.pinRefused(new ProviderException(code))).as(code).isTrue();
    }
    assertThat(ReturnCodes.pinRefused(new ProviderException("CKR_DEVICE_REMOVED"))).isFalse();
    assertThat(ReturnCodes.pinRefused(new ProviderException("CKR_SLOT_ID_INVALID"))).isFalse();
    assertThat(ReturnCodes.pinRefused(new ProviderException("no code"))).isFalse();
  }
}
