package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GithubAnchorsTest {
    @Test
    void atxAndSetextHeadings_areAnchors_butNotHeadingsInCode() {
        assertThat(anchors("# Title #", "", "Setext one", "===", "", "Setext two", "---", "", "```", "# In a fence",
                "```", "", "    # Indented code", "", "## Closing hashes ##", "### Hash#tag"))
                .containsExactly("title", "setext-one", "setext-two", "closing-hashes", "hashtag");
    }

    @Test
    void aThematicBreakAfterAList_isNoHeading() {
        assertThat(anchors("- item", "  continued", "---", "", "# Next")).containsExactly("next");
    }

    @Test
    void explicitAnchors_count_butNotInCode_andCurlyIdsAreText() {
        assertThat(anchors("<a id=\"custom\"></a>", "## Title {#other}", "<a name='old-name'></a> `<a id=\"no\">`"))
                .containsExactly("custom", "title-other", "old-name");
    }

    @Test
    void duplicates_areNumbered_acrossHeadingLevels() {
        assertThat(anchors("# Tests", "## Tests", "### Tests")).containsExactly("tests", "tests-1", "tests-2");
    }

    private static java.util.Set<String> anchors(String... lines) {
        return GithubAnchors.of(MarkdownPage.of(Path.of("page.md"), String.join("\n", lines)));
    }
}
