package io.vaultgate.crypto.pkcs11;

import java.security.KeyStore;
import java.security.Provider;
import java.util.Optional;

/**
 * One login to the token: the JCA provider instance, its key store, and the token it found (slot, label and serial
 * number, where this JVM lets the token list be read: {@link TokenSlots}).
 */
record TokenSession(Provider provider, KeyStore token, Optional<TokenSlots.Token> identity) {
}
