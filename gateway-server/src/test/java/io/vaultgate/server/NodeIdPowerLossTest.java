package io.vaultgate.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.powerloss.PowerCuts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node id ({@code <home>/node-id}, made by a node's first start) under a power cut after each of its file system
 * operations: the file is then absent, or holds a whole id; the next start makes one where it is absent and keeps the
 * one there; and once a start returned its id, every later start has that id (a node whose id changed would leave its
 * own uploads and forward jobs to the dead-node watch).
 */
@CatalogIndependent
class NodeIdPowerLossTest {

    @TempDir
    Path realParent;

    /** The home, and the id the start returned before the cut. */
    static final class Home {
        final Path dir;
        String id;

        Home(Path root) {
            this.dir = root;
        }
    }

    @Test
    void stable_cutAtEveryStep_leavesNoIdOrAWholeOne_andLaterStartsKeepTheIdItReturned() throws Exception {
        int operations = PowerCuts.atEveryStep(realParent, new PowerCuts.Scenario<Home>() {
            @Override
            public Home setUp(Path root) {
                return new Home(root);
            }

            @Override
            public void act(Home home) {
                home.id = NodeId.stable(home.dir);
            }

            @Override
            public void check(Path root, Home home, boolean returned) throws Exception {
                Path file = home.dir.resolve("node-id");
                String before = null;
                if (Files.exists(file)) {
                    String content = Files.readString(file, StandardCharsets.US_ASCII);
                    assertThat(content).as("a whole id").matches("[A-Za-z0-9._-]{1,64}\n");
                    before = content.strip();
                } else {
                    assertThat(returned).as("the id is missing although the start returned it").isFalse();
                }
                if (returned) {
                    assertThat(before).isEqualTo(home.id);
                }

                String next = NodeId.stable(home.dir); // the next start

                if (before != null) {
                    assertThat(next).as("kept").isEqualTo(before);
                }
                assertThat(NodeId.stable(home.dir)).as("and kept from then on").isEqualTo(next);
                try (Stream<Path> names = Files.list(home.dir)) {
                    assertThat(names.map(p -> p.getFileName().toString())).as("no temporary copy left")
                            .containsExactly("node-id");
                }
            }
        });

        assertThat(operations).as("a flushed temporary file renamed into place, its directory flushed")
                .isGreaterThanOrEqualTo(4);
    }
}
