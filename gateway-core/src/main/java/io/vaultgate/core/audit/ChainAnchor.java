package io.vaultgate.core.audit;

import java.util.Objects;

/**
 * What an operator kept outside the catalog: "the chain's record {@code seq} had hash {@code hash}" (the chain
 * hash of that record, which a checkpoint signs and which depends on every record before it). Written
 * {@code SEQ:HASH}, as the gateway logs it in each checkpoint line ({@code anchor=SEQ:HASH}) and as
 * {@code vaultgate audit head} prints it. A chain that no longer holds record {@code seq} with that hash was
 * rolled back (records cut off the end, or an older copy of the catalog restored) or rewritten; the chain's own
 * checkpoints cannot show that, since whoever restores or cuts the rows can delete the checkpoints with them.
 */
public record ChainAnchor(long seq, String hash) {

    public ChainAnchor {
        if (seq < 1) {
            throw new IllegalArgumentException("an anchor names record 1 or later, not " + seq);
        }
        if (!ChainHash.isHex(Objects.requireNonNull(hash, "hash"), 32)) {
            throw new IllegalArgumentException("an anchor's hash is 64 lower-case hex characters");
        }
    }

    /** The anchor a checkpoint gives. */
    public static ChainAnchor of(Checkpoint checkpoint) {
        return new ChainAnchor(checkpoint.seq(), checkpoint.hash());
    }

    /** Reads {@code SEQ:HASH} (also with the {@code anchor=} of the log line before it). */
    public static ChainAnchor parse(String text) {
        String value = text.strip();
        if (value.startsWith("anchor=")) {
            value = value.substring("anchor=".length());
        }
        int colon = value.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("an anchor is SEQ:HASH, e.g. 1200:3f0c…, not \"" + text + "\"");
        }
        try {
            return new ChainAnchor(Long.parseLong(value.substring(0, colon)), value.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an anchor is SEQ:HASH with a decimal SEQ, not \"" + text + "\"", e);
        }
    }

    @Override
    public String toString() {
        return seq + ":" + hash;
    }
}
