package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker on a made-up repository: it reports each broken link as file:line: target (reason), and only those. */
class LinkCheckerTest {
    @TempDir
    Path root;

    @Test
    void brokenAnchorAndMissingFile_areReported_withFileLineTargetAndReason() throws IOException {
        write("README.md", "# Project\n\nSee [the guide](docs/guide.md) and"
                + " [install](docs/guide.md#install-vaultgate-quickly).\n");
        write("docs/guide.md", """
                # Guide

                ## Install `vaultgate` (quickly)

                [Install](#install-vaultgate-quickly), [wrong anchor](#installation),
                [missing page](setup.md), [other page's anchor](../README.md#project),
                [a source file](../src/Main.java), [a directory](../src/), [not a directory](../src/Main.java/),
                [encoded](my%20notes.md#caf%C3%A9), [external](https://example.com/missing.md#nowhere),
                [out of the repository](../../elsewhere.md), `[in code](nothing.md)`.

                ```
                [in a fence](nothing.md)
                ```
                """);
        write("docs/my notes.md", "# Café\n");
        write("src/Main.java", "class Main {}\n");

        LinkChecker checker = new LinkChecker(root);
        List<BrokenLink> broken = checker.check(List.of(Path.of("README.md"), Path.of("docs/guide.md")));

        assertThat(broken).extracting(BrokenLink::toString).containsExactly(
                "docs/guide.md:5: #installation (no heading with anchor #installation in docs/guide.md)",
                "docs/guide.md:6: setup.md (no such file docs/setup.md)",
                "docs/guide.md:7: ../src/Main.java/ (src/Main.java is not a directory)",
                "docs/guide.md:9: ../../elsewhere.md (outside the repository)");
        assertThat(checker.checked()).isEqualTo(11);
    }

    @Test
    void anchorWithCapitals_isBroken_andTheReasonNamesTheLowerCaseOne() throws IOException {
        write("a.md", "# Key rotation\n\n[rotate](#Key-Rotation)\n");

        List<BrokenLink> broken = new LinkChecker(root).check(List.of(Path.of("a.md")));

        assertThat(broken).extracting(BrokenLink::toString).containsExactly("a.md:3: #Key-Rotation (no heading with"
                + " anchor #Key-Rotation in a.md; GitHub's anchors are lower-case: #key-rotation)");
    }

    @Test
    void undefinedReference_badEncoding_andSpaceInDestination_areBroken() throws IOException {
        write("a.md", "# A\n\n[text][nowhere], [ok][a]\n\n[bad](x%zz.md) [spaced](my file.md)\n\n[a]: #a\n");

        List<BrokenLink> broken = new LinkChecker(root).check(List.of(Path.of("a.md")));

        assertThat(broken).extracting(BrokenLink::toString).containsExactly(
                "a.md:3: [nowhere] (no definition [nowhere]: ... for this reference)",
                "a.md:5: x%zz.md (bad percent-encoding at '%zz.md')",
                "a.md:5: my file.md (not a link on GitHub: a destination with spaces must be written <like this>)");
    }

    @Test
    void pagesNotReachableFromTheStart_areOrphans_evenIfTheyLinkToEachOther() throws IOException {
        write("README.md", "[a](docs/a.md)\n");
        write("docs/a.md", "[b](b.md), [itself](a.md)\n");
        write("docs/b.md", "[back](../README.md)\n");
        write("docs/c.md", "[itself](c.md), [d](d.md)\n");
        write("docs/d.md", "[c](c.md)\n");

        List<Path> orphans = OrphanPages.unreachable(root, Path.of("README.md"), List.of(Path.of("docs/a.md"),
                Path.of("docs/b.md"), Path.of("docs/c.md"), Path.of("docs/d.md")), new MarkdownPages());

        assertThat(orphans).containsExactly(Path.of("docs/c.md"), Path.of("docs/d.md"));
    }

    private void write(String name, String text) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
