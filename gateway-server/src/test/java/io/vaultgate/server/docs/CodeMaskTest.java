package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CodeMaskTest {
    @Test
    void fencedBlocks_areBlank_includingTheirFences_andOnlyTheSameFenceClosesThem() {
        List<String> masked = mask("a [x](y)", "```sh", "[in](fence)", "~~~", "[still](in)", "````", "[after](z)",
                "  ~~~", "[tilde](fence)", "  ~~~", "end");

        assertThat(masked).containsExactly("a [x](y)", "", "", "", "", "", "[after](z)", "", "", "", "end");
    }

    @Test
    void codeSpans_becomeSpaces_keepingEveryColumn() {
        assertThat(mask("a `[x](y)` b ``c ` d`` e")).containsExactly("a " + spaces(8) + " b " + spaces(9) + " e");
    }

    @Test
    void codeSpan_acrossALineBreakOfAParagraph_isCode_onBothLines() {
        List<String> masked = mask("text `code that", "goes on](x.md) here` [link](y.md)");

        assertThat(masked).containsExactly("text " + spaces(10), spaces(20) + " [link](y.md)");
    }

    @Test
    void codeSpan_doesNotLeaveItsParagraph_orItsListItem_orCrossAHeading() {
        assertThat(mask("an odd ` here", "", "[a](x) `b`")).containsExactly("an odd ` here", "", "[a](x)    ");
        assertThat(mask("- item `one", "- item two` [a](x)")).containsExactly("- item `one", "- item two` [a](x)");
        assertThat(mask("odd `", "## Heading `x`")).containsExactly("odd `", "## Heading    ");
    }

    @Test
    void unmatchedBacktickRun_isLiteral_andAnEscapedBacktickOpensNothing() {
        assertThat(mask("a `` b ` c")).containsExactly("a `` b ` c");
        assertThat(mask("a \\` [x](y) `z`")).containsExactly("a \\` [x](y)    ");
    }

    @Test
    void indentedCodeBlock_isBlank_butAListItemsContinuationIsProse() {
        assertThat(mask("para", "", "    [code](x)", "    more", "", "text")).containsExactly("para", "", "", "", "",
                "text");
        assertThat(mask("- item", "", "    [continued](x)")).containsExactly("- item", "", "    [continued](x)");
    }

    private static String spaces(int n) {
        return " ".repeat(n);
    }

    private static List<String> mask(String... lines) {
        return CodeMask.mask(List.of(lines));
    }
}
