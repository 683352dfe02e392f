package io.vaultgate.core.testing.powerloss;

import java.io.IOException;

/**
 * What every operation on a {@link PowerLossFileSystem} throws once its power is cut, until it restarts: the
 * machine is off, so the code under test stops where the cut found it. An operation of a channel opened before
 * the cut throws it even after the restart (it belonged to the process that died).
 */
public final class PowerCut extends IOException {

    private static final long serialVersionUID = 1L;

    PowerCut(String operation) {
        super("power cut: " + operation + " did not happen");
    }
}
