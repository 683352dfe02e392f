package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownLinksTest {
    @Test
    void inlineLinks_andImages_withOrWithoutTitles() {
        assertThat(links("[a](a.md) ![logo](img/logo.png \"Logo\") [b](b.md 'B') [c](c.md (C)) [d](<my file.md>)"))
                .containsExactly("1:a.md", "1:img/logo.png", "1:b.md", "1:c.md", "1:my file.md");
    }

    @Test
    void destinationWithBalancedParentheses_andAnchors() {
        assertThat(links("[x](docs/a_(b).md#c) and [same page](#heading) [top](#)"))
                .containsExactly("1:docs/a_(b).md#c", "1:#heading", "1:#");
    }

    @Test
    void linksInCodeSpansAndFences_areNotLinks_evenWhenTheSpanCrossesALine() {
        assertThat(links("`[a](a.md)` ``[b](b.md)``", "", "```", "[c](c.md)", "```", "",
                "call `start(x,", "y)` ([Metrics](#metrics)) then `[d](d.md)", "z`")).containsExactly("8:#metrics");
    }

    @Test
    void linkTextAcrossLines_isReportedAtTheLineOfItsDestination() {
        assertThat(links("see [the long", "title](far.md)")).containsExactly("2:far.md");
    }

    @Test
    void referenceLinks_takeTheDefinitionsDestination_atItsLine() {
        List<MarkdownLink> found = MarkdownLinks.in(page("[full][Guide], [collapsed][], [guide] and [not a link]",
                "", "[guide]: docs/guide.md \"The guide\"", "[collapsed]: <a b.md>"));

        assertThat(found).extracting(link -> link.line() + ":" + link.target() + ":" + link.broken())
                .containsExactly("3:docs/guide.md:false", "4:a b.md:false");
    }

    @Test
    void fullReferenceWithoutDefinition_isBroken_anEscapedBracketIsNoLink() {
        List<MarkdownLink> found = MarkdownLinks.in(page("[text][missing] and \\[x\\](y.md) [z]\\(w.md)"));

        assertThat(found).extracting(MarkdownLink::target, MarkdownLink::broken)
                .containsExactly(tuple("[missing]", true));
    }

    private static List<String> links(String... lines) {
        return MarkdownLinks.in(page(lines)).stream().map(link -> link.line() + ":" + link.target()).toList();
    }

    private static MarkdownPage page(String... lines) {
        return MarkdownPage.of(Path.of("page.md"), String.join("\n", lines));
    }
}
