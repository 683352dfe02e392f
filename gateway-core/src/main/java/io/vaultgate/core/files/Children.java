package io.vaultgate.core.files;

import io.vaultgate.core.path.VirtualPath;
import java.util.TreeMap;

/** Collects the immediate children of a directory from entries anywhere below it; deeper ones imply directories. */
final class Children {

    private final VirtualPath directory;
    private final TreeMap<String, FileEntry> byName = new TreeMap<>(NameOrder.BINARY);

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

    /** The page of the collected children that {@code request} asks for. */
    DirectoryPage page(PageRequest request) {
        return PageMerge.take(new TreeMap<>(byName.tailMap(request.after(), false)), request.limit(), false);
    }
}
