package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SftpAlgorithmsTest {

    private static final SftpAlgorithms HARDENED = SftpAlgorithms.hardened();

    @Test
    void hardenedDefaults_resolveToMinaFactoriesInOrder() {
        assertThat(AlgorithmFactories.keyExchanges(HARDENED)).extracting(f -> f.getName())
                .containsExactlyElementsOf(HARDENED.keyExchanges());
        assertThat(AlgorithmFactories.ciphers(HARDENED)).extracting(f -> f.getName())
                .containsExactlyElementsOf(HARDENED.ciphers());
        assertThat(AlgorithmFactories.macs(HARDENED)).extracting(f -> f.getName())
                .containsExactlyElementsOf(HARDENED.macs());
        assertThat(AlgorithmFactories.signatures(HARDENED)).extracting(f -> f.getName())
                .containsExactlyElementsOf(HARDENED.signatures());
    }

    @Test
    void hardenedDefaults_offerPostQuantumHybridsAndNoChacha() {
        assertThat(HARDENED.keyExchanges()).startsWith("mlkem768x25519-sha256", "sntrup761x25519-sha512");
        assertThat(HARDENED.ciphers()).noneMatch(c -> c.contains("chacha") || c.contains("cbc"));
        assertThat(HARDENED.macs()).allMatch(m -> m.endsWith("-etm@openssh.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"aes256-cbc", "3des-cbc", "arcfour256", "none", "blowfish-cbc"})
    void weakCipher_isRefusedEvenWhenConfigured(String cipher) {
        assertThatThrownBy(() -> withCiphers(List.of("aes256-ctr", cipher)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sftp.algorithms.ciphers").hasMessageContaining(cipher);
    }

    @ParameterizedTest
    @ValueSource(strings = {"hmac-sha1", "hmac-sha1-etm@openssh.com", "hmac-md5"})
    void sha1OrMd5Mac_isRefused(String mac) {
        assertThatThrownBy(() -> new SftpAlgorithms(HARDENED.keyExchanges(), HARDENED.ciphers(), List.of(mac),
                HARDENED.signatures())).hasMessageContaining("sftp.algorithms.macs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssh-rsa", "ssh-dss", "ssh-rsa-cert-v01@openssh.com"})
    void sha1OrDsaSignature_isRefused(String signature) {
        assertThatThrownBy(() -> new SftpAlgorithms(HARDENED.keyExchanges(), HARDENED.ciphers(), HARDENED.macs(),
                List.of("ssh-ed25519", signature))).hasMessageContaining("sftp.algorithms.signatures");
    }

    @ParameterizedTest
    @ValueSource(strings = {"diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
            "diffie-hellman-group-exchange-sha1"})
    void sha1KeyExchange_isRefused(String kex) {
        assertThatThrownBy(() -> new SftpAlgorithms(List.of(kex), HARDENED.ciphers(), HARDENED.macs(),
                HARDENED.signatures())).hasMessageContaining("sftp.algorithms.keyExchanges");
    }

    @Test
    void unknownName_isRefusedWithTheListAndValue() {
        assertThatThrownBy(() -> withCiphers(List.of("aes512-gcm")))
                .hasMessageContaining("sftp.algorithms.ciphers").hasMessageContaining("\"aes512-gcm\" is unknown");
    }

    @Test
    void emptyList_isRefused() {
        assertThatThrownBy(() -> withCiphers(List.of())).hasMessageContaining("empty");
    }

    @Test
    void nistCompatibilityProfile_canBeConfigured() {
        SftpAlgorithms fips = new SftpAlgorithms(List.of("ecdh-sha2-nistp256", "ecdh-sha2-nistp384"),
                List.of("aes256-gcm@openssh.com"), List.of("hmac-sha2-256-etm@openssh.com"),
                List.of("ecdsa-sha2-nistp256", "rsa-sha2-256"));
        assertThat(AlgorithmFactories.keyExchanges(fips)).hasSize(2);
    }

    private static SftpAlgorithms withCiphers(List<String> ciphers) {
        return new SftpAlgorithms(HARDENED.keyExchanges(), ciphers, HARDENED.macs(), HARDENED.signatures());
    }
}
