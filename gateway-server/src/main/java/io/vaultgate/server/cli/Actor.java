package io.vaultgate.server.cli;

/** Who an administrative command acts as, for the audit log: {@code cli:<operating-system user>}. */
final class Actor {

    private Actor() {
    }

    static String current() {
        String user = System.getProperty("user.name", "unknown");
        return "cli:" + (user.matches("[A-Za-z0-9._@-]{1,64}") ? user : "unknown");
    }
}
