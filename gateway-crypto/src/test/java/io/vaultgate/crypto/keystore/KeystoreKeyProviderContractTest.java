package io.vaultgate.crypto.keystore;

import io.vaultgate.crypto.KeyProvider;
import io.vaultgate.crypto.KeyProviderContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class KeystoreKeyProviderContractTest extends KeyProviderContract {
  @TempDir Path dir;

  @Override
  protected KeyProvider openProvider() {
    return KeystoreKeyProvider.create(
        dir.resolve("keys.vgks"), KeystoreKeyProviderTest.SECRET, KeystoreKeyProviderTest.FAST);
  }
}
