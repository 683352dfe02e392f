package io.vaultgate.core.catalog;

/** The catalog could not be read or written; never shown to clients beyond "internal error". */
public final class CatalogException extends RuntimeException {
    public CatalogException(String message) {
        super(message);
    }

    public CatalogException(String message, Throwable cause) {
        super(message, cause);
    }
}
