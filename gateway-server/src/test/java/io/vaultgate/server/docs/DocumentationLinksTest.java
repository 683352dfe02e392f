package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README.md and docs/*.md cannot carry a broken link: every relative link leads to a file or directory of the
 * repository, every #anchor to a heading GitHub generates (or an explicit anchor), and every docs page can be
 * reached from README.md. Links inside code blocks and code spans are not links and are not checked.
 */
class DocumentationLinksTest {
    /** Tests run in gateway-server/, as OperationsDocTest and ExampleConfigTest rely on. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final MarkdownPages PAGES = new MarkdownPages();

    @Test
    void everyRelativeLinkOfTheDocs_leadsToAnExistingFileAndHeading() throws IOException {
        LinkChecker checker = new LinkChecker(ROOT, PAGES);

        List<BrokenLink> broken = checker.check(pages());

        assertThat(broken).withFailMessage(() -> broken.size() + " broken links in README.md and docs/:\n"
                + String.join("\n", broken.stream().map(BrokenLink::toString).toList())).isEmpty();
        assertThat(checker.checked()).as("relative links found (none would mean the extractor is blind)")
                .isGreaterThan(100);
    }

    @Test
    void everyDocsPage_isReachableFromTheReadme() throws IOException {
        List<Path> orphans = OrphanPages.unreachable(ROOT, Path.of("README.md"), pages(), PAGES);

        assertThat(orphans).as("docs pages that no link chain from README.md reaches").isEmpty();
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(file -> file.getFileName().toString().endsWith(".md")).sorted()
                    .forEach(file -> pages.add(ROOT.relativize(file)));
        }
        assertThat(pages).as("README.md and docs/*.md under %s", ROOT).hasSizeGreaterThan(10);
        return pages;
    }
}
