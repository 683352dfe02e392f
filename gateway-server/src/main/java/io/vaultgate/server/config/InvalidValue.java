package io.vaultgate.server.config;

/**
 * A value could not be parsed (a duration, a size, an enum, a path). Carries no key: the loader knows
 * where in the tree the value was and turns this into a {@link ConfigException} naming the key.
 */
final class InvalidValue extends IllegalArgumentException {
    private final String problem;
    private final String fix;

    InvalidValue(String problem, String fix) {
        super(problem + "; " + fix);
        this.problem = problem;
        this.fix = fix;
    }

    String problem() {
        return problem;
    }

    String fix() {
        return fix;
    }

    /** The text quoted for a message: bounded, one line. */
    static String quote(String text) {
        String flat = ConfigException.oneLine(text);
        return "\"" + (flat.length() > 60 ? flat.substring(0, 60) + "..." : flat) + "\"";
    }
}
