package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** GitHub's heading anchors, checked against headings of these docs and the cases its rules make tricky. */
class GithubSluggerTest {
    @Test
    void punctuationGoes_spacesBecomeDashes_caseIsLowered() {
        assertThat(slug("Incident response: lockdown and revocation"))
                .isEqualTo("incident-response-lockdown-and-revocation");
        assertThat(slug("Session 19 (2026-11-30): HTTPS upload, the network thread's zeroing"))
                .isEqualTo("session-19-2026-11-30-https-upload-the-network-threads-zeroing");
        assertThat(slug("2.4 Suspended, resumable files")).isEqualTo("24-suspended-resumable-files");
        assertThat(slug("A — B / C")).isEqualTo("a--b--c");
        assertThat(slug("  Padded heading  ")).isEqualTo("padded-heading");
    }

    @Test
    void codeSpans_keepTheirText_andTheirUnderscores_withoutBackticks() {
        assertThat(slug("4. Verifying the whole log: `vaultgate audit verify`"))
                .isEqualTo("4-verifying-the-whole-log-vaultgate-audit-verify");
        assertThat(slug("Freshness: `--max-checkpoint-age`")).isEqualTo("freshness---max-checkpoint-age");
        assertThat(slug("The `max_size` key and ``a ` tick``")).isEqualTo("the-max_size-key-and-a--tick");
    }

    @Test
    void markupGoes_literalUnderscoresStay() {
        assertThat(slug("_Emphasis_ and **strong** and __more__")).isEqualTo("emphasis-and-strong-and-more");
        assertThat(slug("snake_case_name stays")).isEqualTo("snake_case_name-stays");
        assertThat(slug("See [the guide](docs/guide.md) and ![logo](x.png)")).isEqualTo("see-the-guide-and-logo");
        assertThat(slug("HTML <code>tags</code> &amp; entities &#233;")).isEqualTo("html-tags--entities-é");
        assertThat(slug("Escaped \\_underscore\\_ and \\*star\\*")).isEqualTo("escaped-_underscore_-and-star");
    }

    @Test
    void lettersOfOtherScripts_stay_attributeSyntaxIsText() {
        assertThat(slug("Café Über")).isEqualTo("café-über");
        assertThat(slug("Custom id {#my-id}")).isEqualTo("custom-id-my-id");
    }

    @Test
    void duplicateHeadings_getNumberedSuffixes_inOrder() {
        GithubSlugger page = new GithubSlugger();

        assertThat(page.next("Tests")).isEqualTo("tests");
        assertThat(page.next("Results")).isEqualTo("results");
        assertThat(page.next("Tests")).isEqualTo("tests-1");
        assertThat(page.next("`Tests`")).isEqualTo("tests-2");
        assertThat(new GithubSlugger().next("Tests")).as("a new page counts afresh").isEqualTo("tests");
    }

    private static String slug(String heading) {
        return new GithubSlugger().next(heading);
    }
}
