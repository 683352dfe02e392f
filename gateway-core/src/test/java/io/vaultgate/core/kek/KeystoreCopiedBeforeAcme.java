package io.vaultgate.core.kek;

import java.nio.file.Path;

/**
 * The base of the tests that start each test from {@link TwoKeystoreNodes#copiedBeforeAcme}: node A made tenant
 * other first, node B's keystore is a copy of A's from then, and A then made acme (its client alice), so B holds no
 * key of acme ({@link TwoKeystoreNodesSetUp}: started before each test, closed after it). On SQLite or, with
 * {@code -Dvaultgate.test.catalog=postgresql}, both nodes on one PostgreSQL database.
 */
abstract class KeystoreCopiedBeforeAcme extends TwoKeystoreNodesSetUp {

    @Override
    TwoKeystoreNodes startNodes(Path home) {
        return TwoKeystoreNodes.copiedBeforeAcme(home);
    }
}
