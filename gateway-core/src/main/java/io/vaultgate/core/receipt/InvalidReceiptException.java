package io.vaultgate.core.receipt;

/** A receipt that is malformed, forged or signed by another key; the message says which, safely. */
public final class InvalidReceiptException extends IllegalArgumentException {
    public InvalidReceiptException(String message) {
        super(message);
    }

    public InvalidReceiptException(String message, Throwable cause) {
        super(message, cause);
    }
}
