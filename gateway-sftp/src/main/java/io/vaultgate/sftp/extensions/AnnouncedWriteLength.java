package io.vaultgate.sftp.extensions;

import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.sftp.SftpModuleProperties;

/**
 * The write length a channel announces in {@code limits@openssh.com}, which OpenSSH's {@code sftp} sizes its
 * {@code WRITE}s by. MINA's subsystem assembles each request in one per-session buffer that grows to the next power
 * of two above a partly received request plus the channel packet behind it: with MINA's 256 KiB write length that is
 * 512 KiB, which G1 keeps as a humongous object (a whole 1 MiB region at {@code -Xmx256m}) for the session's life,
 * 32 MiB of the heap at 32 sessions. Announcing a length that leaves room for one packet keeps the buffer at 256 KiB.
 *
 * <p>Only the announcement changes: it is set on the channel, which MINA reads for the {@code limits} reply, while
 * its check of incoming {@code WRITE}s reads the session, so a client that writes up to MINA's own limit without
 * asking still works.
 */
final class AnnouncedWriteLength {

    /** Where MINA's assembly buffer should stay. */
    static final int ASSEMBLY_BUFFER = 256 * 1024;
    /** A {@code WRITE}'s fields before its data (length, type, id, handle, offset, data length), with room to spare. */
    private static final int REQUEST_HEADER = 256;

    private AnnouncedWriteLength() {
    }

    /** Sets the announced length on {@code channel} when the rule gives less than what MINA accepts. */
    static void apply(ChannelSession channel) {
        long fits = ASSEMBLY_BUFFER - channel.getLocalWindow().getPacketSize() - REQUEST_HEADER;
        int accepted = SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.getRequired(channel);
        if (fits >= SftpModuleProperties.MIN_WRITEDATA_PACKET_LENGTH && fits < accepted) {
            SftpModuleProperties.MAX_WRITEDATA_PACKET_LENGTH.set(channel, (int) fits);
        }
    }
}
