package io.vaultgate.https.testing;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.DirectoryPage;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.files.NameOrder;
import io.vaultgate.core.files.PageRequest;
import io.vaultgate.core.ingest.CommitChecks;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.core.ingest.UploadProgress;
import io.vaultgate.core.ingest.Receipt;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.VirtualPath;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory stand-in for the core's files and ingest services, for handler unit tests: it records
 * how each upload ended and the size of every write, so tests can see streaming and cancellation.
 */
public final class MemoryStore implements FileService, IngestService {

    public final Map<VirtualPath, byte[]> files = new LinkedHashMap<>();
    public final List<RecordingUpload> uploads = new ArrayList<>();

    @Override
    public Upload open(Principal principal, VirtualPath path, UploadMode mode) {
        if (!path.area().equals("inbox") || path.depth() < 2) {
            throw GatewayException.denied(path.toString());
        }
        RecordingUpload upload = new RecordingUpload((ClientPrincipal) principal, path);
        uploads.add(upload);
        return upload;
    }

    /** Knows only committed files: a recorded upload is never a resumable partial here. */
    @Override
    public Optional<UploadProgress> progress(Principal principal, VirtualPath path, String fileId) {
        return Optional.ofNullable(files.get(path)).filter(data -> fileId.equals("f_" + path.fileName()))
                .map(data -> new UploadProgress(fileId, true, data.length));
    }

    /** The stored files directly in {@code directory}, a page at a time in the core's name order. */
    @Override
    public DirectoryPage list(Principal principal, VirtualPath directory, PageRequest page) {
        List<FileEntry> after = files.entrySet().stream().filter(e -> e.getKey().parent().equals(directory))
                .filter(e -> NameOrder.compare(e.getKey().fileName(), page.after()) > 0)
                .map(e -> new FileEntry(e.getKey(), false, e.getValue().length, Instant.EPOCH, false))
                .sorted((a, b) -> NameOrder.compare(a.name(), b.name())).limit(page.limit() + 1L).toList();
        List<FileEntry> entries = after.subList(0, Math.min(page.limit(), after.size()));
        return new DirectoryPage(entries, after.size() > page.limit()
                ? Optional.of(entries.get(entries.size() - 1).name()) : Optional.empty());
    }

    @Override
    public FileEntry stat(Principal principal, VirtualPath path) {
        if (path.depth() == 1) {
            return FileEntry.directory(path, Instant.EPOCH);
        }
        return new FileEntry(path, false, bytes(path).length, Instant.EPOCH, false);
    }

    @Override
    public FileContent open(Principal principal, VirtualPath path) {
        byte[] data = bytes(path);
        return new FileContent() {
            @Override
            public String fileId() {
                return "f_" + path.fileName();
            }

            @Override
            public long size() {
                return data.length;
            }

            @Override
            public String sha256() {
                return sha256Hex(data);
            }

            @Override
            public int read(long position, ByteBuffer dst) {
                if (position >= data.length) {
                    return -1;
                }
                int n = (int) Math.min(dst.remaining(), data.length - position);
                dst.put(data, (int) position, n);
                return n;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void delete(Principal principal, VirtualPath path) {
        if (files.remove(path) == null) {
            throw GatewayException.notFound(path.toString());
        }
    }

    @Override
    public void rename(Principal principal, VirtualPath from, VirtualPath to) {
        files.put(to, files.remove(from));
    }

    @Override
    public void createDirectory(Principal principal, VirtualPath path) {
    }

    private byte[] bytes(VirtualPath path) {
        byte[] data = files.get(path);
        if (data == null) {
            throw GatewayException.notFound(path.toString());
        }
        return data;
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One upload: its bytes, the size of each write, and how it ended. */
    public final class RecordingUpload implements Upload {
        public final ClientPrincipal principal;
        public final VirtualPath path;
        public final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        public final List<Integer> writes = new ArrayList<>();
        public String ending = "open";

        RecordingUpload(ClientPrincipal principal, VirtualPath path) {
            this.principal = principal;
            this.path = path;
        }

        @Override
        public String fileId() {
            return "f_" + path.fileName();
        }

        @Override
        public long resumeOffset() {
            return 0;
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            if (offset != bytes.size()) {
                throw new GatewayException(GatewayException.Reason.INVALID_REQUEST, "write out of order");
            }
            writes.add(src.remaining());
            byte[] chunk = new byte[src.remaining()];
            src.get(chunk);
            bytes.writeBytes(chunk);
        }

        @Override
        public Receipt commit(CommitChecks checks) {
            byte[] actual = HexFormat.of().parseHex(sha256Hex(bytes.toByteArray()));
            if (!checks.expectedSha256().stream().allMatch(expected -> java.util.Arrays.equals(expected, actual))) {
                ending = "aborted";
                throw new GatewayException(GatewayException.Reason.INTEGRITY, "content digest mismatch");
            }
            byte[] current = files.get(path);
            if (!checks.mayReplace().test(Optional.ofNullable(current).map(MemoryStore::sha256Hex))) {
                ending = "aborted";
                throw new GatewayException(GatewayException.Reason.PRECONDITION_FAILED, "precondition failed");
            }
            ending = "committed";
            files.put(path, bytes.toByteArray());
            return new Receipt(fileId(), principal.tenant(), path.toString(), bytes.size(),
                    sha256Hex(bytes.toByteArray()), Instant.EPOCH);
        }

        @Override
        public void abort() {
            ending = "aborted";
        }

        @Override
        public void suspend() {
            ending = "suspended";
        }

        @Override
        public void close() {
            if (ending.equals("open")) {
                ending = "suspended";
            }
        }
    }
}
