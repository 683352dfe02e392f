package io.vaultgate.core.report;

/**
 * How a long administrative operation (re-wrapping key slots, reading a long audit history) tells its
 * caller how far it got, without knowing whether anyone draws a progress bar. {@link #total} may be called
 * again when the estimate changes; a total of zero or less means "unknown".
 */
public interface WorkProgress {

    /** Reports nothing. */
    WorkProgress NONE = new WorkProgress() {
        @Override
        public void total(long units) {
        }

        @Override
        public void advance(long units) {
        }
    };

    /** How many units the whole operation has, as far as is known. */
    void total(long units);

    /** {@code units} more are done. */
    void advance(long units);
}
