package io.vaultgate.core.files;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One page of a directory listing, in binary name order ({@link NameOrder}).
 *
 * @param entries at most the requested number of entries; fewer does not mean the last page
 * @param next    the cursor for the following page ({@link PageRequest#after(String)}), the last name of this one;
 *                empty when this page is the last
 */
public record DirectoryPage(List<FileEntry> entries, Optional<String> next) {

    public DirectoryPage {
        entries = List.copyOf(entries);
        Objects.requireNonNull(next, "next");
    }
}
