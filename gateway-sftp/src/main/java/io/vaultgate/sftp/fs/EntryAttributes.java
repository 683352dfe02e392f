package io.vaultgate.sftp.fs;

import io.vaultgate.core.files.FileEntry;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * The attributes a client sees for one {@link FileEntry}: plaintext size, modification time, and fixed
 * permission bits (the core enforces the real grants; the bits are only a hint for client tools).
 */
record EntryAttributes(FileEntry entry) implements PosixFileAttributes {

    static final String OWNER = "vaultgate";
    private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-r-----");
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;

    static EntryAttributes of(FileEntry entry) {
        return new EntryAttributes(entry);
    }

    @Override
    public FileTime lastModifiedTime() {
        return FileTime.from(entry.modified());
    }

    @Override
    public FileTime lastAccessTime() {
        return lastModifiedTime();
    }

    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
        return !entry.directory();
    }

    @Override
    public boolean isDirectory() {
        return entry.directory();
    }

    @Override
    public boolean isSymbolicLink() {
        return false;
    }

    @Override
    public boolean isOther() {
        return false;
    }

    @Override
    public long size() {
        return entry.size();
    }

    @Override
    public Object fileKey() {
        return null;
    }

    @Override
    public UserPrincipal owner() {
        return FixedOwner.VAULTGATE;
    }

    @Override
    public GroupPrincipal group() {
        return FixedOwner.VAULTGATE;
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return entry.directory() ? DIRECTORY : FILE;
    }

    /** The attributes of one NIO view ({@code basic} or {@code posix}), as {@code Files.readAttributes} returns. */
    Map<String, Object> asMap(boolean posix) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lastModifiedTime", lastModifiedTime());
        map.put("lastAccessTime", lastAccessTime());
        map.put("creationTime", creationTime());
        map.put("size", size());
        map.put("isRegularFile", isRegularFile());
        map.put("isDirectory", isDirectory());
        map.put("isSymbolicLink", false);
        map.put("isOther", false);
        if (posix) {
            map.put("permissions", permissions());
            map.put("owner", owner());
            map.put("group", group());
        }
        return map;
    }

    /** The same attributes as MINA's SFTP attribute block, for directory listings. */
    SftpClient.Attributes toSftp() {
        int mode = (entry.directory() ? S_IFDIR : S_IFREG) | (entry.directory() ? 0750 : 0640);
        SftpClient.Attributes attributes = new SftpClient.Attributes();
        attributes.setType(entry.directory() ? SftpConstants.SSH_FILEXFER_TYPE_DIRECTORY
                : SftpConstants.SSH_FILEXFER_TYPE_REGULAR);
        return attributes.size(size()).perms(mode).owner(OWNER).group(OWNER)
                .modifyTime(lastModifiedTime()).accessTime(lastAccessTime());
    }
}
