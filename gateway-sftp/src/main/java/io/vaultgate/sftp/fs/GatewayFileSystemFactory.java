package io.vaultgate.sftp.fs;

import io.vaultgate.core.files.FileService;
import io.vaultgate.core.ingest.IngestService;
import io.vaultgate.sftp.auth.SessionPrincipal;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.sshd.common.file.FileSystemFactory;
import org.apache.sshd.common.session.SessionContext;

/** Gives each authenticated SFTP session a {@link GatewayFileSystem} for the principal it logged in as. */
public final class GatewayFileSystemFactory implements FileSystemFactory {

    private final GatewayFileSystemProvider provider;
    private final FileService files;
    private final IngestService ingest;

    /** @param listingPage entries per page an open directory handle reads and holds (see {@code SftpTuning}) */
    public GatewayFileSystemFactory(FileService files, IngestService ingest, int listingPage) {
        this.provider = new GatewayFileSystemProvider(listingPage);
        this.files = Objects.requireNonNull(files, "files");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
    }

    @Override
    public FileSystem createFileSystem(SessionContext session) {
        return new GatewayFileSystem(provider, SessionPrincipal.require(session), files, ingest);
    }

    /** There is no home directory: every session starts at the root of its namespace. */
    @Override
    public Path getUserHomeDir(SessionContext session) {
        return null;
    }
}
