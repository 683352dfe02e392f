package io.vaultgate.core.files;

import io.vaultgate.core.path.VirtualPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Collects the immediate children of a directory from entries anywhere below it; deeper ones imply directories. */
final class Children {

    private final VirtualPath directory;
    private final Map<String, FileEntry> byName = new TreeMap<>();

    Children(VirtualPath directory) {
        this.directory = directory;
    }

    /** Adds {@code entry} (at {@code descendant}) if it lies below the directory. */
    Children add(VirtualPath descendant, FileEntry entry) {
        if (descendant.depth() <= directory.depth() || !descendant.startsWith(directory)) {
            return this;
        }
        String name = descendant.segments().get(directory.depth());
        if (descendant.depth() == directory.depth() + 1) {
            byName.merge(name, entry, (existing, added) -> existing.directory() ? existing : added);
        } else {
            byName.putIfAbsent(name, FileEntry.directory(directory.child(name), entry.modified()));
        }
        return this;
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    List<FileEntry> entries() {
        return new ArrayList<>(byName.values());
    }
}
