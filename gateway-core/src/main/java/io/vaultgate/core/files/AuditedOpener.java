package io.vaultgate.core.files;

import io.vaultgate.core.audit.AuditEvent;
import io.vaultgate.core.audit.AuditLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Optional;

/**
 * Opens files for reading and audits what leaves the gateway: {@code file.download_started} before the first read
 * is served (if it cannot be appended, the read fails and nothing is served: fail closed), and
 * {@code file.downloaded} with the number of plaintext bytes read when the file is closed (0 for a file opened and
 * closed without a read, which records no start).
 */
final class AuditedOpener {

    private final FileOpener opener;
    private final AuditLog audit;
    private final Clock clock;

    AuditedOpener(FileOpener opener, AuditLog audit, Clock clock) {
        this.opener = opener;
        this.audit = audit;
        this.clock = clock;
    }

    FileContent open(FileRecord file, String actor) {
        return new Counting(opener.open(file), file, actor);
    }

    private final class Counting implements FileContent {
        private final FileContent content;
        private final FileRecord file;
        private final String actor;
        private long bytesRead;
        private boolean started;
        private boolean closed;

        Counting(FileContent content, FileRecord file, String actor) {
            this.content = content;
            this.file = file;
            this.actor = actor;
        }

        @Override
        public String fileId() {
            return content.fileId();
        }

        @Override
        public long size() {
            return content.size();
        }

        @Override
        public String sha256() {
            return content.sha256();
        }

        @Override
        public void requireReadable() throws IOException {
            content.requireReadable();
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            startOnce(position);
            int read = content.read(position, dst);
            if (read > 0) {
                synchronized (this) {
                    bytesRead += read;
                }
            }
            return read;
        }

        private synchronized void startOnce(long position) throws IOException {
            if (started) {
                return;
            }
            try {
                audit.append(new AuditEvent.DownloadStarted(clock.instant(), Optional.of(file.tenant()), actor,
                        file.id(), file.path().toString(), position));
            } catch (RuntimeException e) {
                throw new IOException(file.path() + ": the read cannot be audited, so nothing is served", e);
            }
            started = true;
        }

        @Override
        public void close() throws IOException {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            try {
                content.close();
            } finally {
                audit.append(new AuditEvent.Downloaded(clock.instant(), Optional.of(file.tenant()), actor, file.id(),
                        file.path().toString(), bytesRead));
            }
        }
    }
}
