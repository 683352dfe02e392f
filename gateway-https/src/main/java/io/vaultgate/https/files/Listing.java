package io.vaultgate.https.files;

import io.vaultgate.core.files.FileEntry;
import io.vaultgate.core.path.VirtualPath;
import io.vaultgate.https.http.Json;
import java.util.List;

/** The JSON body of a directory listing. */
public final class Listing {

    private Listing() {
    }

    public static byte[] json(VirtualPath directory, List<FileEntry> entries) {
        return Json.object(json -> {
            json.writeStringField("path", directory.toString());
            json.writeArrayFieldStart("entries");
            for (FileEntry entry : entries) {
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
        });
    }
}
