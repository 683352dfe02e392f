package io.vaultgate.sftp;

import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_FAILURE;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_FILE_ALREADY_EXISTS;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_INVALID_FILENAME;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_INVALID_PARAMETER;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_NO_SUCH_FILE;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_OP_UNSUPPORTED;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_PERMISSION_DENIED;
import static org.apache.sshd.sftp.common.SftpConstants.SSH_FX_QUOTA_EXCEEDED;

import io.vaultgate.core.GatewayException;
import io.vaultgate.sftp.fs.NoSuchEntry;
import java.util.Optional;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.common.SftpHelper;
import org.apache.sshd.sftp.server.SftpErrorStatusDataHandler;
import org.apache.sshd.sftp.server.SftpSubsystemEnvironment;

/**
 * The one mapping from failures to SFTP status codes and messages. A core {@link GatewayException} (found
 * anywhere in the cause chain) answers with its reason's code and its client-safe message, as does a
 * {@link NoSuchEntry} (a missing name found without one: the core's not-found code and text); anything else
 * answers with MINA's code for the exception kind and the generic text for that code, so no internal
 * message, path on disk or stack trace reaches a client. Version 3 clients (OpenSSH) only know codes 0 to 8;
 * richer codes are lowered for them and the message carries the detail.
 */
public final class SftpStatusMapper implements SftpErrorStatusDataHandler {

    private static final int LAST_V3_CODE = SSH_FX_OP_UNSUPPORTED;

    /** The status for a core reason, in SFTP version 4 and later terms. */
    public static int statusOf(GatewayException.Reason reason) {
        return switch (reason) {
            case NOT_FOUND -> SSH_FX_NO_SUCH_FILE;
            case ACCESS_DENIED, TENANT_LOCKED -> SSH_FX_PERMISSION_DENIED;
            case INVALID_PATH -> SSH_FX_INVALID_FILENAME;
            case INVALID_REQUEST -> SSH_FX_INVALID_PARAMETER;
            case QUOTA_EXCEEDED -> SSH_FX_QUOTA_EXCEEDED;
            case CONFLICT -> SSH_FX_FILE_ALREADY_EXISTS;
            case STORAGE_FULL -> SSH_FX_NO_SPACE_ON_FILESYSTEM;
            case PRECONDITION_FAILED, INTEGRITY, UNAVAILABLE, INTERNAL -> SSH_FX_FAILURE;
        };
    }

    /** Lowers a status to the codes SFTP version 3 defines. */
    public static int forVersion(int status, int version) {
        if (version > 3 || status <= LAST_V3_CODE) {
            return status;
        }
        return status == 10 ? SSH_FX_NO_SUCH_FILE : SSH_FX_FAILURE;
    }

    @Override
    public int resolveSubStatus(SftpSubsystemEnvironment sftp, int id, Throwable e, int cmd, Object... args) {
        int status = cause(e, NoSuchEntry.class).isPresent() ? statusOf(GatewayException.Reason.NOT_FOUND)
                : cause(e, GatewayException.class).map(g -> statusOf(g.reason()))
                        .orElseGet(() -> SftpHelper.resolveSubstatus(e));
        return forVersion(status, sftp.getVersion());
    }

    @Override
    public String resolveErrorMessage(SftpSubsystemEnvironment sftp, int id, Throwable e, int status, int cmd,
            Object... args) {
        Optional<NoSuchEntry> missing = cause(e, NoSuchEntry.class);
        if (missing.isPresent()) {
            return missing.get().clientMessage();
        }
        Optional<GatewayException> gateway = cause(e, GatewayException.class);
        if (gateway.isPresent()) {
            return gateway.get().clientMessage();
        }
        if (e instanceof SftpException && e.getMessage() != null) {
            return e.getMessage();
        }
        return SftpHelper.resolveStatusMessage(status);
    }

    /** The first exception of type {@code type} in {@code e}'s cause chain, {@code e} included. */
    static <T extends Throwable> Optional<T> cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }
}
