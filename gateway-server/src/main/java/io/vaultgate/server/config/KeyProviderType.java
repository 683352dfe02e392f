package io.vaultgate.server.config;

/** Where tenant KEKs live. {@code pkcs11} (an HSM) is reserved and rejected until it is implemented. */
public enum KeyProviderType {
    /** A PKCS#12 keystore file protected by the master secret. */
    KEYSTORE
}
