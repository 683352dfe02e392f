package io.vaultgate.sftp.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.auth.ClientPrincipal;
import io.vaultgate.core.files.FileService;
import io.vaultgate.core.files.PageRequest;
import io.vaultgate.core.ingest.Upload;
import io.vaultgate.core.ingest.UploadMode;
import io.vaultgate.core.path.PathPolicy;
import io.vaultgate.core.tenant.Protocol;
import io.vaultgate.core.testing.TestCore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An open directory reads the core's listing one page at a time, as its iterator is pulled (as MINA's READDIR
 * pulls it), over a real core with a page size of 3.
 */
class PagedDirectoryStreamTest {

    @TempDir
    Path dir;
    private TestCore core;
    private GatewayFileSystem fs;
    private final AtomicInteger pagesRead = new AtomicInteger();

    @BeforeEach
    void setUp() {
        core = TestCore.create(dir);
        ClientPrincipal alice = core.client("acme", "alice", Protocol.SFTP);
        FileService counting = (FileService) Proxy.newProxyInstance(FileService.class.getClassLoader(),
                new Class<?>[] {FileService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("list") && args.length == 3) {
                        pagesRead.incrementAndGet();
                    }
                    try {
                        return method.invoke(core.core().files(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        fs = new GatewayFileSystem(new GatewayFileSystemProvider(), alice, counting, core.core().ingest());
        for (int i = 6; i >= 0; i--) {
            try (Upload upload = core.core().ingest().open(alice, PathPolicy.parse("/inbox/f" + i), UploadMode.CREATE)) {
                upload.write(0, ByteBuffer.wrap(new byte[] {1}));
                upload.commit();
            }
        }
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    @Test
    void theNextPageIsRead_onlyWhenTheIteratorGetsPastTheLastEntryOfTheCurrentOne() throws Exception {
        try (PagedDirectoryStream stream = open("/inbox", 3)) {
            assertThat(pagesRead).as("OPENDIR reads the first page").hasValue(1);
            Iterator<Path> names = stream.iterator();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seen.add(names.next().getFileName().toString());
            }
            assertThat(pagesRead).hasValue(1);
            names.forEachRemaining(path -> seen.add(path.getFileName().toString()));

            assertThat(seen).containsExactly("f0", "f1", "f2", "f3", "f4", "f5", "f6");
            assertThat(pagesRead).hasValue(3);
        }
    }

    @Test
    void aMissingDirectory_failsWhenOpened_andAStreamIsIteratedOnce() throws Exception {
        assertThatThrownBy(() -> open("/inbox/none", 3)).isInstanceOf(NoSuchFileException.class);
        try (PagedDirectoryStream stream = open("/inbox", 3)) {
            stream.iterator();
            assertThatThrownBy(stream::iterator).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingTheHandle_endsTheIteration_withoutReadingMorePages() throws Exception {
        PagedDirectoryStream stream = open("/inbox", 3);
        Iterator<Path> names = stream.iterator();
        names.next();
        stream.close();

        assertThat(names.hasNext()).isFalse();
        assertThat(pagesRead).hasValue(1);
    }

    private PagedDirectoryStream open(String directory, int pageSize) throws Exception {
        Path path = fs.getPath(directory);
        return new PagedDirectoryStream(fs, path, PathPolicy.parse(directory), null, PageRequest.first(pageSize));
    }
}
