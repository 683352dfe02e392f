package io.vaultgate.core.kek;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the tests that start each test from {@link TwoKeystoreNodes}, made by {@link #startNodes} in a fresh
 * {@link #home}: before each test (before a subclass's own {@code @BeforeEach}, which may add to it), and closed after
 * it (after a subclass's own {@code @AfterEach}). {@link KeystoreCopiedBeforeAcme} starts them with B's keystore
 * copied before acme existed.
 */
abstract class TwoKeystoreNodesSetUp {

    @TempDir
    Path home;
    TwoKeystoreNodes nodes;
    TestCore nodeA;
    TestCore nodeB;
    ClientPrincipal alice;

    /** The two nodes of each test, in {@code home}. */
    abstract TwoKeystoreNodes startNodes(Path home);

    @BeforeEach
    void startTheNodes() {
        nodes = startNodes(home);
        nodeA = nodes.nodeA;
        nodeB = nodes.nodeB;
        alice = nodes.alice;
    }

    @AfterEach
    void closeTheNodes() {
        if (nodes != null) {
            nodes.close();
        }
    }
}
