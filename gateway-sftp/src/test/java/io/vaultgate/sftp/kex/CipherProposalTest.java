package io.vaultgate.sftp.kex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CipherProposalTest {

    private static final String OURS = "aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr";
    /** OpenSSH 9.x's default cipher list, which ssh-audit also sends. */
    private static final String OPENSSH = "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
            + "aes128-gcm@openssh.com,aes256-gcm@openssh.com";

    @Test
    void clientOfferingGcm_isOfferedOnlyGcm_inTheServersOrder() {
        assertThat(CipherProposal.narrow(OURS, OPENSSH)).isEqualTo("aes256-gcm@openssh.com,aes128-gcm@openssh.com");
        assertThat(CipherProposal.narrow(OURS, "aes128-gcm@openssh.com"))
                .isEqualTo("aes256-gcm@openssh.com,aes128-gcm@openssh.com");
    }

    @Test
    void clientWithoutGcm_isOfferedTheWholeList() {
        assertThat(CipherProposal.narrow(OURS, "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr")).isEqualTo(OURS);
        assertThat(CipherProposal.narrow(OURS, "aes128-cbc")).isEqualTo(OURS);
    }

    @Test
    void unknownClientList_leavesTheListAsConfigured() {
        assertThat(CipherProposal.narrow(OURS, null)).isEqualTo(OURS);
        assertThat(CipherProposal.narrow(OURS, "")).isEqualTo(OURS);
    }

    @Test
    void configurationWithoutGcm_isNeverWidened() {
        assertThat(CipherProposal.narrow("aes256-ctr,aes128-ctr", OPENSSH)).isEqualTo("aes256-ctr,aes128-ctr");
        assertThat(CipherProposal.narrow("aes128-gcm@openssh.com,aes128-ctr", OPENSSH))
                .isEqualTo("aes128-gcm@openssh.com");
    }

    @Test
    void gcmTheServerDoesNotOffer_doesNotNarrow() {
        assertThat(CipherProposal.narrow("aes256-gcm@openssh.com,aes128-ctr", "aes128-gcm@openssh.com,aes128-ctr"))
                .isEqualTo("aes256-gcm@openssh.com,aes128-ctr");
    }
}
