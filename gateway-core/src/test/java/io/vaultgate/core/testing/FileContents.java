package io.vaultgate.core.testing;

import io.vaultgate.core.GatewayCore;
import io.vaultgate.core.auth.Principal;
import io.vaultgate.core.files.FileContent;
import io.vaultgate.core.path.VirtualPath;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Reading a stored file back whole, through the core's file service as a principal sees it. */
public final class FileContents {

    private FileContents() {
    }

    /** The whole content of the file at {@code path} of {@code core}, read as {@code principal}. */
    public static byte[] readAll(GatewayCore core, Principal principal, VirtualPath path) throws IOException {
        try (FileContent content = core.files().open(principal, path)) {
            ByteBuffer all = ByteBuffer.allocate((int) content.size());
            while (all.hasRemaining() && content.read(all.position(), all) >= 0) {
                // read until full, or to the end of a file shorter than it said
            }
            return all.array();
        }
    }
}
