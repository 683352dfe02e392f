package io.vaultgate.sftp.kex;

import io.vaultgate.sftp.session.SteadyClockSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.kex.KexProposalOption;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.ServerFactoryManager;

/**
 * A server session that sends its first KEXINIT once it has read the client's, so that its cipher list can
 * follow {@link CipherProposal}: AES-GCM only for a client that offers it, the whole configured list otherwise.
 *
 * <p>RFC 4253 (7.1) lets each side send KEXINIT without waiting for the other's, and clients do (OpenSSH, PuTTY,
 * JSch, Paramiko, MINA's client, ssh-audit); a server that answers second sends nothing before it, so strict key
 * exchange (its KEXINIT is still the server's first packet) is unaffected. A client that waits for the server
 * instead gets the whole list after {@link #FALLBACK}. Only the first key exchange waits; re-keys reuse the
 * proposal MINA made for it.
 */
final class AeadFirstSession extends SteadyClockSession {

    /** How long the server waits for the client's KEXINIT before sending its own, unnarrowed, anyway. */
    static final Duration FALLBACK = Duration.ofSeconds(2);

    private enum Phase { NOT_YET, WAITING_FOR_CLIENT, SENT }

    private final Object phaseLock = new Object();
    private Phase phase;

    AeadFirstSession(ServerFactoryManager server, IoSession ioSession) throws Exception {
        super(server, ioSession);
    }

    /** The first call comes right after the client's identification line: it waits for the client's KEXINIT. */
    @Override
    protected byte[] sendKexInit() throws Exception {
        synchronized (phaseLock) {
            if (phase == null || phase == Phase.NOT_YET) {
                phase = Phase.WAITING_FOR_CLIENT;
                getFactoryManager().getScheduledExecutorService()
                        .schedule(this::sendUnlessSent, FALLBACK.toMillis(), TimeUnit.MILLISECONDS);
                return null;
            }
        }
        return super.sendKexInit();
    }

    @Override
    protected void handleKexInit(Buffer buffer) throws Exception {
        boolean answer;
        synchronized (phaseLock) {
            answer = phase == Phase.WAITING_FOR_CLIENT;
            if (answer) {
                phase = Phase.SENT;
            }
        }
        if (!answer) {
            super.handleKexInit(buffer);
            return;
        }
        receiveKexInit(buffer);
        super.sendKexInit();
        doKexNegotiation();
    }

    /** The proposal MINA builds (once per session), with the ciphers narrowed to what this client offers. */
    @Override
    protected Map<KexProposalOption, String> createProposal(String hostKeyTypes) throws IOException {
        Map<KexProposalOption, String> proposal = super.createProposal(hostKeyTypes);
        Map<KexProposalOption, String> client = getClientKexProposals();
        for (KexProposalOption direction : new KexProposalOption[] {KexProposalOption.C2SENC, KexProposalOption.S2CENC}) {
            proposal.put(direction, CipherProposal.narrow(proposal.get(direction), client.get(direction)));
        }
        return proposal;
    }

    private void sendUnlessSent() {
        synchronized (phaseLock) {
            if (phase != Phase.WAITING_FOR_CLIENT || !isOpen()) {
                return;
            }
            phase = Phase.SENT;
        }
        try {
            super.sendKexInit();
        } catch (Exception e) {
            exceptionCaught(e);
        }
    }
}
