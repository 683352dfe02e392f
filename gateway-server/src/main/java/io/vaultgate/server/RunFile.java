package io.vaultgate.server;

import io.vaultgate.crypto.file.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Optional;
import java.util.Set;

/**
 * {@code <home>/run/gateway.json}: where the gateway serving from this data directory listens ({@link RunRecord}),
 * written by {@code vaultgate run} and {@code vaultgate demo} once every listener is bound and removed when it stops
 * cleanly, so that {@code vaultgate status --home H} finds an ops listener on a port chosen at start ({@code ops.port:
 * 0}), which the configuration cannot tell.
 *
 * <p>It is believed only while the very process that wrote it runs ({@link ProcessIdentity}: boot, pid and start
 * time): a file left by a crash or a SIGKILL, one whose pid another program has since been given, one from before a
 * reboot or one copied with the data directory points nowhere, and is ignored with the reason. One that group or
 * others may write is ignored too: {@code status} sends an administrator's token to the address it reads here. It
 * lives as long as the process, so a backup leaves {@link #DIRECTORY} out, and a start replaces whatever is there.
 */
public final class RunFile {

    /** The data directory's folder of what lives only as long as the gateway's process; never backed up. */
    public static final String DIRECTORY = "run";
    private static final String NAME = "gateway.json";
    /** Far above any record; a larger file is not one, and is not read. */
    private static final long MAX_BYTES = 4096;

    /** What reading the file found: the record of the gateway running now, or why there is none to use. */
    public sealed interface Lookup permits Live, Ignored {
    }

    /** The record of the process running now that wrote it. */
    public record Live(RunRecord record) implements Lookup {
    }

    /** No record to believe; {@code cause} names the file and says why, for messages. */
    public record Ignored(String cause) implements Lookup {
    }

    private final Path file;

    private RunFile(Path file) {
        this.file = file;
    }

    /** The run file of the data directory {@code home}. */
    public static RunFile in(Path home) {
        return new RunFile(home.resolve(DIRECTORY).resolve(NAME));
    }

    public Path path() {
        return file;
    }

    /**
     * Records {@code record}, replacing any file there: a stale one never stops a start. Durable and atomic
     * ({@link DurableFile}): a reader sees the old file or the whole new one; 0600 in a 0700 directory.
     */
    public void write(RunRecord record) throws IOException {
        DurableFile.createDirectories(file.getParent(), DurableFile.Mode.OWNER_ONLY);
        DurableFile.writeString(file, record.toJson(), DurableFile.Mode.OWNER_ONLY, DurableFile.Replace.EXISTING);
    }

    /** The record, if the process that wrote it runs now; otherwise why not. */
    public Lookup read() {
        RunRecord record;
        try {
            Optional<String> unsafe = unsafe();
            if (unsafe.isPresent()) {
                return ignored(unsafe.get());
            }
            record = RunRecord.parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return new Ignored("there is no " + file + " (no gateway serving from this data directory recorded "
                    + "where it listens)");
        } catch (IOException e) {
            return ignored("cannot be read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            return ignored("is not a run file: " + e.getMessage());
        }
        return believed(record);
    }

    /** Removes the file if {@code self} wrote it; one a later gateway wrote meanwhile stays. */
    public void remove(ProcessIdentity self) throws IOException {
        try {
            if (unsafe().isEmpty()
                    && RunRecord.parse(Files.readString(file, StandardCharsets.UTF_8)).process().equals(self)) {
                Files.delete(file);
                DurableFile.forceDirectory(file.getParent());
            }
        } catch (NoSuchFileException | IllegalArgumentException e) {
            // gone already, or not ours to remove
        }
    }

    /**
     * Why the file is not to be read at all: not a plain file, too large, open to writers other than its owner, or
     * not owned (it or its directory) by the owner of the home, the gateway's user: whoever else made them could point
     * `status` and its token elsewhere.
     */
    private Optional<String> unsafe() throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            return Optional.of("is not a regular file");
        }
        if (attributes.size() > MAX_BYTES) {
            return Optional.of("is larger than a run file (" + attributes.size() + " bytes)");
        }
        PosixFileAttributes directory = Files.readAttributes(file.getParent(), PosixFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (writableByOthers(attributes.permissions()) || writableByOthers(directory.permissions())) {
            return Optional.of("or its directory may be written by group or others, who could point `status` and "
                    + "its token elsewhere; chmod 700 " + file.getParent() + " and chmod 600 " + file);
        }
        UserPrincipal homeOwner = Files.getOwner(file.getParent().getParent());
        if (!attributes.owner().equals(homeOwner) || !directory.owner().equals(homeOwner)) {
            return Optional.of("or its directory is not owned by " + homeOwner.getName() + ", the owner of the home, "
                    + "so another user may have made it to point `status` and its token elsewhere");
        }
        return Optional.empty();
    }

    private Lookup believed(RunRecord record) {
        long pid = record.process().pid();
        if (!ProcessIdentity.checkable()) {
            return ignored("names pid " + pid + ", which cannot be checked on this system (no /proc)");
        }
        Optional<ProcessIdentity> now = ProcessIdentity.running(pid);
        if (now.isEmpty()) {
            return ignored("names pid " + pid + ", which is not running (the gateway stopped without removing it)");
        }
        if (!now.get().bootId().equals(record.process().bootId())) {
            return ignored("was written before the machine last started (pid " + pid + " is another process now)");
        }
        if (now.get().startTicks() != record.process().startTicks()) {
            return ignored("names pid " + pid + ", which is another process now (it started at another time than "
                    + "the gateway that wrote the file)");
        }
        return new Live(record);
    }

    private Ignored ignored(String why) {
        return new Ignored(file + " " + why);
    }

    private static boolean writableByOthers(Set<PosixFilePermission> mode) {
        return mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE);
    }
}
