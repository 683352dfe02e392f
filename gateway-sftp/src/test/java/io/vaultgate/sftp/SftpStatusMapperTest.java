package io.vaultgate.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_FAILURE;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_INVALID_FILENAME;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_NO_SUCH_FILE;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_OP_UNSUPPORTED;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_PERMISSION_DENIED;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_QUOTA_EXCEEDED;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.GatewayException.Reason;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.sftp.fs.NoSuchEntry;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.NoSuchFileException;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SftpStatusMapperTest {

    private final SftpStatusMapper mapper = new SftpStatusMapper();

    @Test
    void coreReasons_mapToTheirSftpStatus() {
        assertThat(SftpStatusMapper.statusOf(Reason.NOT_FOUND)).isEqualTo(SSH_FX_NO_SUCH_FILE);
        assertThat(SftpStatusMapper.statusOf(Reason.ACCESS_DENIED)).isEqualTo(SSH_FX_PERMISSION_DENIED);
        assertThat(SftpStatusMapper.statusOf(Reason.TENANT_LOCKED)).isEqualTo(SSH_FX_PERMISSION_DENIED);
        assertThat(SftpStatusMapper.statusOf(Reason.INVALID_PATH)).isEqualTo(SSH_FX_INVALID_FILENAME);
        assertThat(SftpStatusMapper.statusOf(Reason.QUOTA_EXCEEDED)).isEqualTo(SSH_FX_QUOTA_EXCEEDED);
        assertThat(SftpStatusMapper.statusOf(Reason.INTERNAL)).isEqualTo(SSH_FX_FAILURE);
    }

    @ParameterizedTest
    @EnumSource(Reason.class)
    void everyReason_isAV3CodeForOpenSshClients(Reason reason) {
        int status = mapper.resolveSubStatus(version(3), 1, new GatewayException(reason, "x"), 0);
        assertThat(status).isBetween(SSH_FX_NO_SUCH_FILE, SSH_FX_OP_UNSUPPORTED);
    }

    @Test
    void v6Client_getsTheRichCode() {
        GatewayException quota = new GatewayException(Reason.QUOTA_EXCEEDED, "quota exceeded for tenant");
        assertThat(mapper.resolveSubStatus(version(6), 1, quota, 0)).isEqualTo(SSH_FX_QUOTA_EXCEEDED);
        assertThat(mapper.resolveSubStatus(version(3), 1, quota, 0)).isEqualTo(SSH_FX_FAILURE);
    }

    @Test
    void gatewayCauseInsideIoException_answersWithItsClientMessage() {
        GatewayException denied = new GatewayException(Reason.ACCESS_DENIED, "/outbox/x: permission denied",
                "account 42 has no write grant on /outbox in tenant acme", null);
        IOException wrapped = new NoSuchFileException("/outbox/x");
        wrapped.initCause(denied);

        assertThat(mapper.resolveSubStatus(version(3), 1, wrapped, 0)).isEqualTo(SSH_FX_PERMISSION_DENIED);
        assertThat(mapper.resolveErrorMessage(version(3), 1, wrapped, 3, 0))
                .isEqualTo("/outbox/x: permission denied").doesNotContain("account 42");
    }

    /** A name found missing without a core exception is answered as the core's not-found was, for every version. */
    @ParameterizedTest
    @ValueSource(ints = {3, 4, 6})
    void noSuchEntry_isAnsweredAsTheCoresNotFound(int version) {
        IOException before = new NoSuchFileException("/inbox/new.bin");
        before.initCause(GatewayException.notFound("/inbox/new.bin"));
        NoSuchEntry now = new NoSuchEntry("/inbox/new.bin", PathPolicy.parse("/inbox/new.bin"));

        int status = mapper.resolveSubStatus(version(version), 1, now, 0);
        assertThat(status).isEqualTo(mapper.resolveSubStatus(version(version), 1, before, 0))
                .isEqualTo(SSH_FX_NO_SUCH_FILE);
        assertThat(mapper.resolveErrorMessage(version(version), 1, now, status, 0))
                .isEqualTo(mapper.resolveErrorMessage(version(version), 1, before, status, 0))
                .isEqualTo("/inbox/new.bin: no such file or directory");
    }

    @Test
    void noSuchEntryInsideAnotherException_isStillAnsweredAsNotFound() {
        IOException wrapped = new IOException("stat failed");
        wrapped.initCause(new NoSuchEntry("/inbox/new.bin", PathPolicy.parse("/inbox/new.bin")));

        int status = mapper.resolveSubStatus(version(3), 1, wrapped, 0);
        assertThat(status).isEqualTo(SSH_FX_NO_SUCH_FILE);
        assertThat(mapper.resolveErrorMessage(version(3), 1, wrapped, status, 0))
                .isEqualTo("/inbox/new.bin: no such file or directory");
    }

    @Test
    void unexpectedException_neverLeaksItsMessage() {
        RuntimeException bug = new IllegalStateException("/var/lib/vaultgate/objects/acme/7f3a is corrupt");
        int status = mapper.resolveSubStatus(version(3), 1, bug, 0);
        assertThat(mapper.resolveErrorMessage(version(3), 1, bug, status, 0))
                .doesNotContain("/var/lib").doesNotContain("IllegalState");
    }

    @Test
    void ownSftpRefusal_keepsItsMessage() {
        SftpException refused = new SftpException(SSH_FX_OP_UNSUPPORTED, "not supported: symbolic links");
        assertThat(mapper.resolveSubStatus(version(3), 1, refused, 0)).isEqualTo(SSH_FX_OP_UNSUPPORTED);
        assertThat(mapper.resolveErrorMessage(version(3), 1, refused, 8, 0)).isEqualTo("not supported: symbolic links");
    }

    private static SftpSubsystemEnvironment version(int version) {
        return (SftpSubsystemEnvironment) Proxy.newProxyInstance(SftpStatusMapperTest.class.getClassLoader(),
                new Class<?>[] {SftpSubsystemEnvironment.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getVersion")) {
                        return version;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
