package io.vaultgate.crypto.pkcs11;

import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeyProviderContract;

class Pkcs11KeyProviderContractTest extends KeyProviderContract {
  @Override
  protected KeyProvider openProvider() {
    return Pkcs11KeyProvider.open(SoftHsm.token(), SoftHsm.PIN);
  }
}
