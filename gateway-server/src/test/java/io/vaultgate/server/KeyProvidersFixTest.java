package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.crypto.CryptoException;
import io.vaultgate.crypto.pkcs11.TokenNotSelected;
import io.vaultgate.server.config.ConfigLoader;
import io.vaultgate.server.config.VaultgateConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * review L7: the advice for a PKCS#11 token that could not be selected is chosen by the failure's type ({@link
 * TokenNotSelected}), not by words of its message; other failures keep the general advice.
 */
class KeyProvidersFixTest {

    @TempDir
    Path home;

    private VaultgateConfig config() {
        return ConfigLoader.load(Optional.empty(), Map.of(), Map.of("home", home.toString()));
    }

    @Test
    void aTokenNotSelected_isAdvisedToSelectTheTokenTheGatewayHasAlwaysUsed_whateverItsMessageSays() {
        for (TokenNotSelected.Reason reason : TokenNotSelected.Reason.values()) {
            CryptoException failure = TokenNotSelected.unavailable(reason, "the module lists token 'x' in slot 3");

            assertThat(KeyProviders.fix("", config(), failure)).as(reason.name())
                    .startsWith("select the token the gateway has always used");
        }
    }

    @Test
    void anotherFailure_getsTheGeneralAdvice() {
        CryptoException failure = new CryptoException.ProviderUnavailable("cannot load PKCS#11 module /x.so");

        assertThat(KeyProviders.fix("", config(), failure)).startsWith("check that keys.pkcs11.library is the HSM's");
        assertThat(TokenNotSelected.in(failure)).isEmpty();
    }
}
