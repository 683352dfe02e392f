package io.vaultgate.sftp.auth;

import io.vaultgate.core.LogText;
import io.vaultgate.core.auth.AuthResult;
import io.vaultgate.sftp.events.SftpMetrics;
import io.vaultgate.sftp.events.StepRefusal;
import java.util.Objects;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts each SFTP login attempt the core answered ({@code vaultgate_sftp_logins_total}) and logs a refusal, for
 * both the callbacks of {@link CoreUserAuthenticator} and the MFA steps of {@link MfaStepAnswers}; and each MFA step
 * the pool answered undecided ({@code vaultgate_sftp_mfa_steps_refused_total}, logged by the pool). The lines keep
 * the logger they always had ({@code io.vaultgate.sftp.auth.CoreUserAuthenticator}), which operators' log settings
 * and {@code PolicyRefusalSftpIT} name.
 */
final class AuthAttempts {

    /** The category of every login line of the front-end: {@link CoreUserAuthenticator}'s, kept by the split. */
    static final Logger LOG = LoggerFactory.getLogger(CoreUserAuthenticator.class);

    private final SftpMetrics metrics;

    AuthAttempts(SftpMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Counts an MFA step the pool ({@link AuthSteps}) answered undecided, for {@code why}. */
    void notDecided(StepRefusal why) {
        metrics.mfaStepRefused(why);
    }

    /** Counts an attempt the core answered with {@code result}, and logs it if refused. */
    void record(String method, ServerSession session, AuthResult result) {
        metrics.login(method, result instanceof AuthResult.Success);
        if (result instanceof AuthResult.Failure failure) {
            // the login name is the client's text, quoted (controls escaped) so it cannot pass for the line's fields;
            // the reason is the one to show: the true one (a right password or a wrong one?) is the audit record's
            LOG.info("sftp auth refused: method={} user={} reason={} from={}", method,
                    LogText.quoted(failure.username()), failure.shown(), SessionPrincipal.sourceAddress(session));
        }
    }
}
