package io.vaultgate.core.kek;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.testing.TestCore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base of the tests that start each test from {@link TwoKeystoreNodes#copiedBeforeAcme}: node A made tenant
 * other first, node B's keystore is a copy of A's from then, and A then made acme (its client alice), so B holds no
 * key of acme. Started before each test (before a subclass's own {@code @BeforeEach}, which may add to it) and
 * closed after it. On SQLite or, with {@code -Dvaultgate.test.catalog=postgresql}, both nodes on one PostgreSQL
 * database.
 */
abstract class KeystoreCopiedBeforeAcme {

    @TempDir
    Path home;
    TwoKeystoreNodes nodes;
    TestCore nodeA;
    TestCore nodeB;
    ClientPrincipal alice;

    @BeforeEach
    void nodeBCopiedItsKeystoreBeforeAcme() {
        nodes = TwoKeystoreNodes.copiedBeforeAcme(home);
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
