package io.vaultgate.server.docs;

/** A link that does not lead where it says: {@code file:line: target (reason)}, the file relative to the root. */
record BrokenLink(String file, int line, String target, String reason) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + target + " (" + reason + ")";
    }
}
