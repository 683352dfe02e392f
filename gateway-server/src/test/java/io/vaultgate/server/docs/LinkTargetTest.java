package io.vaultgate.server.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LinkTargetTest {
    private static final Path ROOT = Path.of("/repo");
    private static final Path PAGE = Path.of("/repo/docs/page.md");

    @Test
    void pathAndFragment_arePercentDecoded_theQueryIsDropped() {
        assertThat(LinkTarget.parse("my%20notes.md?plain=1#caf%C3%A9"))
                .isEqualTo(new LinkTarget("my notes.md", "café", false));
        assertThat(LinkTarget.parse("a+b.md")).isEqualTo(new LinkTarget("a+b.md", null, false));
        assertThat(LinkTarget.parse("#")).isEqualTo(new LinkTarget("", "", false));
    }

    @Test
    void schemesAndHosts_areExternal() {
        assertThat(LinkTarget.parse("https://example.com/x.md#y").external()).isTrue();
        assertThat(LinkTarget.parse("mailto:security@example.com").external()).isTrue();
        assertThat(LinkTarget.parse("//example.com/x").external()).isTrue();
        assertThat(LinkTarget.parse("docs/x.md").external()).isFalse();
    }

    @Test
    void resolves_fromThePagesDirectory_fromTheRootWithASlash_orToThePageItself() {
        assertThat(LinkTarget.parse("../README.md").resolve(ROOT, PAGE)).isEqualTo(Path.of("/repo/README.md"));
        assertThat(LinkTarget.parse("../gateway-server/src/").resolve(ROOT, PAGE))
                .isEqualTo(Path.of("/repo/gateway-server/src"));
        assertThat(LinkTarget.parse("/config/vaultgate.yaml").resolve(ROOT, PAGE))
                .isEqualTo(Path.of("/repo/config/vaultgate.yaml"));
        assertThat(LinkTarget.parse("#anchor").resolve(ROOT, PAGE)).isEqualTo(PAGE);
    }

    @Test
    void badPercentEncoding_isRefused_namingIt() {
        assertThatThrownBy(() -> LinkTarget.parse("a%2.md")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bad percent-encoding at '%2.md'");
    }
}
