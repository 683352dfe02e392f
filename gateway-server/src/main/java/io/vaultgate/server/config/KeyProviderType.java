package io.vaultgate.server.config;

/** Where tenant KEKs (and the gateway's own, such as the TOTP secrets' {@code vaultgate.mfa}) live. */
public enum KeyProviderType {
    /** A PKCS#12 keystore file protected by the master secret; each node of a scale-out holds a copy. */
    KEYSTORE,
    /** Non-extractable AES keys in a PKCS#11 token (an HSM), shared by every node that logs in to it. */
    PKCS11
}
