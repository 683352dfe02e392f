package io.vaultgate.sftp.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each source holds its share of the MFA steps' pool at most ({@link SourceShares}), counted per source. */
class SourceSharesTest {

    @Test
    void aSourceAtItsShare_isRefused_otherSourcesAreNot() {
        SourceShares shares = new SourceShares(2);
        assertThat(shares.take("a")).isTrue();
        assertThat(shares.take("a")).isTrue();
        assertThat(shares.take("a")).isFalse();
        assertThat(shares.take("b")).isTrue();
        assertThat(shares.held("a")).isEqualTo(2);
        assertThat(shares.held("b")).isEqualTo(1);
    }

    @Test
    void aReleasedStep_givesItsSourceAPlaceBack_andNoneHeldLeavesNoEntry() {
        SourceShares shares = new SourceShares(1);
        shares.take("a");
        assertThat(shares.take("a")).isFalse();
        shares.release("a");
        assertThat(shares.held("a")).isZero();
        assertThat(shares.sources()).isZero();
        shares.release("a"); // none held: nothing below zero
        assertThat(shares.held("a")).isZero();
        assertThat(shares.take("a")).isTrue();
    }

    @Test
    void clear_forgetsEverySource() {
        SourceShares shares = new SourceShares(3);
        shares.take("a");
        shares.take("b");
        shares.clear();
        assertThat(shares.sources()).isZero();
        assertThat(shares.held("a")).isZero();
    }

    @Test
    void aShareBelowOne_isRefused() {
        assertThatThrownBy(() -> new SourceShares(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be 1 or more: 0");
    }
}
