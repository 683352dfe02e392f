package io.vaultgate.sftp.extensions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.sshd.common.file.FileSystemAware;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * Adds {@code statvfs@openssh.com} (what OpenSSH's {@code sftp} sends for {@code df}) to MINA's SFTP subsystem,
 * which implements only {@code space-available}, without subclassing it: the subsystem MINA's factory built is
 * wrapped, its requests pass through {@link StatVfsRequests} and its replies through {@link StatVfsReplies}. Both
 * extensions thus come from one place, the path's {@link java.nio.file.FileStore}. Everything else is handed to
 * the subsystem as MINA would. The same path also completes MINA's {@code space-available} answer, whose
 * user fields MINA leaves at 0: the tenant quota is the user's limit, so they repeat the device fields. The
 * wrapped output also hands replies to the channel in pieces of one client packet ({@link PacketSizedReplies}),
 * which spares MINA's whole-reply copy of every READ answer, and the channel announces a write length that keeps
 * MINA's request assembly small ({@link AnnouncedWriteLength}). {@code check-file} requests are answered here too,
 * within bounds, not by MINA ({@link CheckFileAnswers}, which finds handles through the subsystem's
 * {@link OpenHandles}).
 */
public final class StatVfsBridge implements SubsystemFactory {

    /** The name and version to list among the OpenSSH extensions in the server's SFTP version reply. */
    public static final String OPENSSH_EXTENSION = StatVfsRequests.STATVFS + "=2";

    private final SftpSubsystemFactory sftp;
    private final CheckFileBounds checkFile;

    /** With the default check-file bounds ({@link CheckFileBounds#defaults}). */
    public StatVfsBridge(SftpSubsystemFactory sftp) {
        this(sftp, CheckFileBounds.defaults());
    }

    /** @param checkFile what check-file range requests may hash ({@code sftp.check-file-max-*}) */
    public StatVfsBridge(SftpSubsystemFactory sftp, CheckFileBounds checkFile) {
        this.sftp = sftp;
        this.checkFile = Objects.requireNonNull(checkFile, "checkFile");
    }

    @Override
    public String getName() {
        return sftp.getName();
    }

    @Override
    public Command createSubsystem(ChannelSession channel) throws IOException {
        Command command = sftp.createSubsystem(channel);
        if (!(command instanceof AsyncCommand subsystem && command instanceof ChannelDataReceiver receiver
                && command instanceof FileSystemAware && command instanceof SftpSubsystemProxy proxy)) {
            throw new IllegalStateException("unexpected SFTP subsystem " + command.getClass().getName());
        }
        AnnouncedWriteLength.apply(channel);
        Map<Integer, Asked> asked = new ConcurrentHashMap<>();
        Map<Integer, CheckFileRequest> checks = new ConcurrentHashMap<>();
        OpenHandles handles = new OpenHandles();
        proxy.addSftpEventListener(handles);
        channel.setDataReceiver(new StatVfsRequests(receiver, asked, checks, checkFile));
        return new Bridged(subsystem, asked, checks, new CheckFileAnswers(proxy, handles, checkFile),
                () -> channel.getRemoteWindow().getPacketSize());
    }

    /** The subsystem as the channel sees it: everything delegated, the output decorated. */
    private static final class Bridged implements AsyncCommand, FileSystemAware {

        private final AsyncCommand subsystem;
        private final Map<Integer, Asked> asked;
        private final Map<Integer, CheckFileRequest> checks;
        private final CheckFileAnswers checkFiles;
        private final LongSupplier clientPacketSize;

        Bridged(AsyncCommand subsystem, Map<Integer, Asked> asked, Map<Integer, CheckFileRequest> checks,
                CheckFileAnswers checkFiles, LongSupplier clientPacketSize) {
            this.subsystem = subsystem;
            this.asked = asked;
            this.checks = checks;
            this.checkFiles = checkFiles;
            this.clientPacketSize = clientPacketSize;
        }

        /** Replies pass the statvfs completion, then go to the channel one client packet at a time. */
        @Override
        public void setIoOutputStream(IoOutputStream out) {
            subsystem.setIoOutputStream(new StatVfsReplies(new PacketSizedReplies(out, clientPacketSize), asked,
                    checks, checkFiles));
        }

        @Override
        public void setIoInputStream(IoInputStream in) {
            subsystem.setIoInputStream(in);
        }

        @Override
        public void setIoErrorStream(IoOutputStream err) {
            subsystem.setIoErrorStream(err);
        }

        @Override
        public void setInputStream(InputStream in) {
            subsystem.setInputStream(in);
        }

        @Override
        public void setOutputStream(OutputStream out) {
            subsystem.setOutputStream(out);
        }

        @Override
        public void setErrorStream(OutputStream err) {
            subsystem.setErrorStream(err);
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            subsystem.setExitCallback(callback);
        }

        @Override
        public void setFileSystemFactory(FileSystemFactory factory, SessionContext session) throws IOException {
            ((FileSystemAware) subsystem).setFileSystemFactory(factory, session);
        }

        @Override
        public void setFileSystem(FileSystem fileSystem) {
            ((FileSystemAware) subsystem).setFileSystem(fileSystem);
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            subsystem.start(channel, env);
        }

        @Override
        public void destroy(ChannelSession channel) throws Exception {
            subsystem.destroy(channel);
        }
    }
}
