package io.vaultgate.core.files;

import io.vaultgate.core.GatewayException;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.path.VirtualPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything but writing file contents: listing, metadata, reading, deleting, renaming and creating
 * directories in a principal's virtual namespace. Every method checks the principal's grants and raises
 * {@link GatewayException}; a path outside the principal's namespace is reported as
 * not found, so its existence is never revealed.
 */
public interface FileService {

    /**
     * One page of the directory's children, in binary name order (by code point): at most
     * {@link PageRequest#limit()} entries after {@link PageRequest#after()}, and the cursor of the next page when
     * there is one. Memory stays bounded by the page, however large the directory; front-ends list this way. An
     * empty page is answered only for a directory that exists; a file is refused with {@code INVALID_REQUEST}.
     */
    DirectoryPage list(Principal principal, VirtualPath directory, PageRequest page);

    /**
     * Every child of the directory, read page by page but returned at once, so it holds the whole directory in
     * memory: only for callers that know the directory is small (tests, tools). Front-ends use the paged
     * {@link #list(Principal, VirtualPath, PageRequest)}.
     */
    default List<FileEntry> list(Principal principal, VirtualPath directory) {
        List<FileEntry> all = new ArrayList<>();
        PageRequest request = PageRequest.first();
        while (true) {
            DirectoryPage page = list(principal, directory, request);
            all.addAll(page.entries());
            Optional<String> next = page.next();
            if (next.isEmpty()) {
                return all;
            }
            request = request.after(next.get());
        }
    }

    FileEntry stat(Principal principal, VirtualPath path);

    /**
     * Like {@link #stat}, except where the principal has an interrupted upload at {@code path} beside a committed
     * file (a re-upload of a daily file that was cut off): then the interrupted upload, as {@link #list} shows it,
     * whose size is where a resuming client continues. SFTP answers {@code stat} with this, since OpenSSH's
     * {@code reput} resumes from the size {@code stat} reports; {@link #stat} keeps the committed file first for
     * downloads and HTTP preconditions.
     */
    default FileEntry statResumable(Principal principal, VirtualPath path) {
        return stat(principal, path);
    }

    /**
     * {@link #statResumable}, with nothing at {@code path} answered as empty rather than thrown: for a front-end that
     * asks whether a name exists before every upload (SFTP's {@code put} stats its target, a new name for most), where
     * building the not-found exception costs more than the look-up. Every other refusal is thrown as before, and
     * a path the principal may not see is empty, as it is not found.
     */
    default Optional<FileEntry> findResumable(Principal principal, VirtualPath path) {
        try {
            return Optional.of(statResumable(principal, path));
        } catch (GatewayException e) {
            if (e.reason() == GatewayException.Reason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    FileContent open(Principal principal, VirtualPath path);

    /**
     * The size and SHA-256 recorded when the committed file at {@code path} was uploaded, refused as {@link #open}
     * refuses (grants, a file only its uploader sees, a locked tenant, an operator's lease and policy), but without
     * opening the file: nothing is decrypted and no download is counted, but it is audited as an HTTPS {@code HEAD}
     * is ({@code file.downloaded}, 0 bytes). This default opens and closes the file, which audits it so;
     * implementations that can read the record alone override it and audit the same.
     */
    default StoredDigest storedDigest(Principal principal, VirtualPath path) {
        try (FileContent content = open(principal, path)) {
            return new StoredDigest(content.size(), content.sha256());
        } catch (java.io.IOException e) {
            throw GatewayException.internal("closing " + path + " after reading its digest", e);
        }
    }

    void delete(Principal principal, VirtualPath path);

    void rename(Principal principal, VirtualPath from, VirtualPath to);

    void createDirectory(Principal principal, VirtualPath path);

    /**
     * The storage quota that the principal's uploads at {@code path} count against and how much of it is used
     * ({@link StorageSpace}); read-only. A path the principal may not see is not found. Implementations that do
     * not track quotas refuse with {@code INVALID_REQUEST}.
     */
    default StorageSpace space(Principal principal, VirtualPath path) {
        throw new GatewayException(GatewayException.Reason.INVALID_REQUEST,
                "storage space is not reported here");
    }
}
