package io.vaultgate.https.files;

import io.vaultgate.core.files.DirectoryPage;
import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.Json;

/**
 * The JSON body of one page of a directory listing: {@code path}, {@code entries} in code point order of their
 * names, and {@code next}, the cursor of the following page, only when there is one.
 */
public final class Listing {

    private Listing() {
    }

    public static byte[] json(VirtualPath directory, DirectoryPage page) {
        return Json.object(json -> {
            json.writeStringField("path", directory.toString());
            json.writeArrayFieldStart("entries");
            for (FileEntry entry : page.entries()) {
                json.writeStartObject();
                json.writeStringField("name", entry.name());
                json.writeStringField("path", entry.path().toString());
                json.writeStringField("type", entry.directory() ? "directory" : "file");
                json.writeNumberField("size", entry.size());
                json.writeStringField("modified", entry.modified().toString());
                if (entry.partial()) {
                    json.writeBooleanField("partial", true);
                }
                json.writeEndObject();
            }
            json.writeEndArray();
            if (page.next().isPresent()) {
                json.writeStringField("next", ListingQuery.cursor(page.next().get()));
            }
        });
    }
}
