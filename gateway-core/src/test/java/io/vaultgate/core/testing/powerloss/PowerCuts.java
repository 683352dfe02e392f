package io.vaultgate.core.testing.powerloss;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a scenario with the power cut at every step: the scenario's action is run once to count its operations on a
 * {@link PowerLossFileSystem}, then once for each count {@code n} from 0 to that number with the cut after its
 * {@code n}-th operation (the last run: after the action returned, so only what it did not flush is lost), each run in
 * a fresh directory, then the file system restarts and the scenario checks what the disk holds.
 */
public final class PowerCuts {

    /** Something done on a power-loss file system, with state {@code S} (the files, keys, ids it handles). */
    public interface Scenario<S> {
        /** Prepares the directory before the cut is armed (its unflushed changes are lost at the cut too). */
        S setUp(Path root) throws Exception;

        /** What the cut interrupts; a failure caused by the cut counts as not returned. */
        void act(S state) throws Exception;

        /**
         * After the restart: asserts the promises on {@code root}; {@code returned} says whether {@link #act}
         * returned before the cut, i.e. whether its result was acknowledged.
         */
        void check(Path root, S state, boolean returned) throws Exception;
    }

    private PowerCuts() {
    }

    /**
     * Runs {@code scenario} with the cut after each of its action's operations, in fresh directories under
     * {@code realParent}; returns how many operations the action had when counted. A failed check is rethrown naming
     * the cut and the last operations before it.
     */
    public static <S> int atEveryStep(Path realParent, Scenario<S> scenario) throws Exception {
        Path counting = Files.createTempDirectory(realParent, "count-");
        PowerLossFileSystem fs = PowerLossFileSystem.over(counting);
        S state = scenario.setUp(fs.root());
        int before = fs.operations();
        scenario.act(state);
        int total = fs.operations() - before;
        for (int n = 0; n <= total; n++) {
            runCutAfter(realParent, scenario, n, total);
        }
        return total;
    }

    private static <S> void runCutAfter(Path realParent, Scenario<S> scenario, int n, int total) throws Exception {
        PowerLossFileSystem fs = PowerLossFileSystem.over(Files.createTempDirectory(realParent, "cut-" + n + "-"));
        S state = scenario.setUp(fs.root());
        fs.cutAfter(n);
        boolean returned;
        try {
            scenario.act(state);
            returned = true;
        } catch (Exception | AssertionError e) {
            if (!fs.powerWasCut()) {
                throw e;
            }
            returned = false;
        }
        List<String> trace = fs.trace();
        fs.restart();
        try {
            scenario.check(fs.root(), state, returned);
        } catch (AssertionError | Exception e) {
            List<String> last = trace.subList(Math.max(0, trace.size() - 4), trace.size());
            throw new AssertionError("power cut after operation " + n + " of " + total + " (action "
                    + (returned ? "returned" : "interrupted") + "; last operations: " + last + "): "
                    + e.getMessage(), e);
        }
    }
}
