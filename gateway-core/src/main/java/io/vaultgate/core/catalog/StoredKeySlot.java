package io.vaultgate.core.catalog;

/** A file's wrapped data key as the catalog stores it (the crypto module's key slot, in columns). */
public record StoredKeySlot(String provider, String kekTenant, int kekVersion, String wrappedBase64) {
}
