package io.vaultgate.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vaultgate.core.tenant.TenantId;
import io.vaultgate.core.testing.CatalogIndependent;
import io.vaultgate.core.testing.KnownObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@CatalogIndependent
class FileSystemObjectStoreTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId GLOBEX = TenantId.of("globex");
    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path root;

    @Test
    void pendingObject_isInvisibleUntilCommitted() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        ObjectId id = ObjectId.random(random);
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> store.open(ACME, id)).isInstanceOf(NoSuchFileException.class);

        store.commit(ACME, pending);

        try (SeekableByteChannel channel = store.open(ACME, id)) {
            assertThat(channel.size()).isEqualTo(3);
        }
    }

    @Test
    void largeObjects_areWrittenAndReadBackDirectly_whereTheFileSystemAllowsIt_smallOnesReadThroughTheCache() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        org.junit.jupiter.api.Assumptions.assumeTrue(store.writesDirectly(), "no O_DIRECT here");
        ObjectId id = ObjectId.random(random);
        byte[] bytes = new byte[3 * (1 << 20) + 12_345];
        random.nextBytes(bytes);
        PendingObject pending = store.create(ACME, id);
        for (int at = 0; at < bytes.length; at += 65_552) {
            pending.channel().write(ByteBuffer.wrap(bytes, at, Math.min(65_552, bytes.length - at)));
        }
        store.commit(ACME, pending);

        try (SeekableByteChannel channel = store.open(ACME, id)) {
            assertThat(channel).isInstanceOf(DirectReadChannel.class);
            ByteBuffer back = ByteBuffer.allocate(bytes.length);
            while (back.hasRemaining() && channel.read(back) >= 0) {
                // reads until full
            }
            assertThat(back.array()).isEqualTo(bytes);
        }
        try (SeekableByteChannel plain = new FileSystemObjectStore(root, false).open(ACME, id)) {
            assertThat(plain).isNotInstanceOf(DirectReadChannel.class);
        }
        ObjectId small = ObjectId.random(random); // written through the page cache: read through it
        PendingObject smallPending = store.create(ACME, small);
        smallPending.channel().write(ByteBuffer.wrap(bytes, 0, (int) FileSystemObjectStore.DIRECT_READ_ABOVE));
        store.commit(ACME, smallPending);
        try (SeekableByteChannel channel = store.open(ACME, small)) {
            assertThat(channel).isNotInstanceOf(DirectReadChannel.class);
        }
    }

    /**
     * A read makes no directory: the start's store identity check reads objects of a store that may be an empty mount
     * point (review24b M2), which must be left as it was found.
     */
    @Test
    void aReadOfAMissingObject_createsNoDirectory() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);

        assertThatThrownBy(() -> store.open(ACME, ObjectId.random(random))).isInstanceOf(NoSuchFileException.class);
        assertThat(root.resolve("acme")).doesNotExist();
    }

    @Test
    void objects_areSegregatedByTenant_andPrivateOnDisk() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        ObjectId id = ObjectId.random(random);
        store.commit(ACME, store.create(ACME, id));

        assertThatThrownBy(() -> store.open(GLOBEX, id)).isInstanceOf(NoSuchFileException.class);
        Path file = root.resolve("acme").resolve(id.value());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
    }

    @Test
    void reopenedPendingObject_keepsItsBytes() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        ObjectId id = ObjectId.random(random);
        try (PendingObject pending = store.create(ACME, id)) {
            pending.channel().write(ByteBuffer.wrap(new byte[10]));
            pending.sync();
        }
        try (PendingObject again = store.reopen(ACME, id)) {
            assertThat(again.channel().size()).isEqualTo(10);
        }
    }

    @Test
    void sweep_removesEverythingNotKept() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        ObjectId kept = ObjectId.random(random);
        ObjectId orphan = ObjectId.random(random);
        ObjectId keptPending = ObjectId.random(random);
        ObjectId orphanPending = ObjectId.random(random);
        store.commit(ACME, store.create(ACME, kept));
        store.commit(ACME, store.create(ACME, orphan));
        store.create(ACME, keptPending).close();
        store.create(ACME, orphanPending).close();
        Files.writeString(root.resolve("acme").resolve("stray.tmp"), "junk");

        int removed = store.sweep(ACME, new KnownObjects(Set.of(kept), Set.of(keptPending)));

        assertThat(removed).isEqualTo(3);
        assertThat(store.open(ACME, kept)).isNotNull().satisfies(SeekableByteChannel::close);
        assertThatThrownBy(() -> store.open(ACME, orphan)).isInstanceOf(NoSuchFileException.class);
        assertThat(store.reopen(ACME, keptPending)).satisfies(PendingObject::close);
        assertThatThrownBy(() -> store.reopen(ACME, orphanPending)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void sweep_asksTheCatalogAboutABoundedBatchAtATime_andJudgesEveryObject() throws IOException {
        FileSystemObjectStore store = new FileSystemObjectStore(root);
        Set<ObjectId> referenced = new java.util.HashSet<>();
        int objects = ReferencedObjects.BATCH * 2 + 7;
        Files.createDirectories(root.resolve("acme"));
        for (int i = 0; i < objects; i++) {
            ObjectId id = ObjectId.random(random);
            Files.write(root.resolve("acme").resolve(id.value()), new byte[1]);
            if (i % 3 == 0) {
                referenced.add(id);
            }
        }
        KnownObjects catalog = new KnownObjects(referenced, Set.of());

        int removed = store.sweep(ACME, catalog);

        assertThat(removed).isEqualTo(objects - referenced.size());
        assertThat(catalog.largestBatch()).isEqualTo(ReferencedObjects.BATCH);
        try (Stream<Path> left = Files.list(root.resolve("acme"))) {
            assertThat(left.filter(Files::isRegularFile).map(p -> new ObjectId(p.getFileName().toString())))
                    .containsExactlyInAnyOrderElementsOf(referenced);
        }
    }

    @Test
    void largeObject_isFlushedInTheBackgroundWhileWritten_andOnceMoreAtCommit() throws IOException {
        List<Long> flushedSizes = new CopyOnWriteArrayList<>();
        FileSystemObjectStore store = new FileSystemObjectStore(root, 100_000, Runnable::run,
                channel -> flushedSizes.add(channel.size()));
        ObjectId id = ObjectId.random(random);
        PendingObject pending = store.create(ACME, id);
        for (int i = 0; i < 5; i++) {
            pending.channel().write(ByteBuffer.wrap(new byte[60_000]));
        }
        assertThat(flushedSizes).as("after 120 000 and 240 000 bytes").containsExactly(120_000L, 240_000L);

        store.commit(ACME, pending);

        assertThat(flushedSizes).as("the commit flushes the rest").containsExactly(120_000L, 240_000L, 300_000L);
    }

    @Test
    void failedBackgroundFlush_failsTheCommit_evenIfTheLastFlushSucceeds() throws IOException {
        FileSystemObjectStore store = storeWhoseFirstFlushFails();
        ObjectId id = ObjectId.random(random);
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[2_000]));

        assertThatThrownBy(() -> store.commit(ACME, pending)).isInstanceOf(IOException.class)
                .hasMessageContaining("background flush").hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> store.open(ACME, id)).as("not committed").isInstanceOf(NoSuchFileException.class);
    }

    /**
     * A failed background flush followed by one that succeeds (an upload past two flush intervals): the failure is
     * kept and fails the commit (crash-consistency audit H1: it was replaced by the next flush and the upload
     * acknowledged with pages the kernel had dropped).
     */
    @Test
    void failedBackgroundFlush_failsTheCommit_evenWhenALaterBackgroundFlushSucceeds() throws IOException {
        FileSystemObjectStore store = storeWhoseFirstFlushFails();
        ObjectId id = ObjectId.random(random);
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[1_000])); // background flush 1: fails (EIO)
        pending.channel().write(ByteBuffer.wrap(new byte[1_000])); // a later background flush would succeed

        assertThatThrownBy(() -> store.commit(ACME, pending)).isInstanceOf(ObjectFlushFailed.class)
                .hasMessageContaining("background flush").hasMessageContaining("Input/output error");
        assertThatThrownBy(() -> store.open(ACME, id)).as("not committed").isInstanceOf(NoSuchFileException.class);
    }

    /** The same through sync(), which keeps a suspended upload's partial, and every later flush fails too. */
    @Test
    void failedBackgroundFlush_failsTheSyncOfAPartial_andEveryLaterFlush() throws IOException {
        FileSystemObjectStore store = storeWhoseFirstFlushFails();
        PendingObject pending = store.create(ACME, ObjectId.random(random));
        pending.channel().write(ByteBuffer.wrap(new byte[1_000]));
        pending.channel().write(ByteBuffer.wrap(new byte[1_000]));

        assertThatThrownBy(pending::sync).isInstanceOf(ObjectFlushFailed.class)
                .hasMessageContaining("Input/output error");
        assertThatThrownBy(pending::sync).as("a retried flush cannot bring the dropped pages back")
                .isInstanceOf(ObjectFlushFailed.class).hasMessageContaining("Input/output error");
        pending.close();
    }

    /** A store flushing every 1 000 bytes, in the writing thread, whose first flush fails as a disk error would. */
    private FileSystemObjectStore storeWhoseFirstFlushFails() throws IOException {
        AtomicInteger flushes = new AtomicInteger();
        return new FileSystemObjectStore(root, 1_000, Runnable::run, channel -> {
            if (flushes.incrementAndGet() == 1) {
                throw new IOException("Input/output error");
            }
        });
    }

    @Test
    void smallObject_isFlushedOnlyByTheCommit() throws IOException {
        AtomicInteger flushes = new AtomicInteger();
        FileSystemObjectStore store = new FileSystemObjectStore(root, 1 << 20, Runnable::run,
                channel -> flushes.incrementAndGet());
        PendingObject pending = store.create(ACME, ObjectId.random(random));
        pending.channel().write(ByteBuffer.wrap(new byte[65_536]));
        assertThat(flushes).hasValue(0);

        store.commit(ACME, pending);

        assertThat(flushes).hasValue(1);
    }

    @Test
    void suspendedObject_isSyncedOnce_afterItsBackgroundFlush() throws IOException {
        AtomicInteger dataFlushes = new AtomicInteger();
        FileSystemObjectStore store = new FileSystemObjectStore(root, 1_000, Runnable::run,
                channel -> dataFlushes.incrementAndGet());
        PendingObject pending = store.create(ACME, ObjectId.random(random));
        pending.channel().write(ByteBuffer.wrap(new byte[2_000]));

        pending.sync();

        assertThat(dataFlushes).as("the background flush only; sync adds one fsync, not a second fdatasync")
                .hasValue(1);
        pending.close();
    }

    /**
     * The commit's data flush and its rename and directory flush are issued together (the wait is the longer of the
     * two, not their sum), and the commit returns only once the data flush has: the catalog's commit, which follows,
     * never becomes durable before the object's data.
     */
    @Test
    void commit_renamesWhileTheDataFlushRuns_andReturnsOnlyAfterIt() throws Exception {
        ObjectId id = ObjectId.random(random);
        Path committed = root.resolve("acme").resolve(id.value());
        AtomicBoolean renamedDuringFlush = new AtomicBoolean();
        CountDownLatch flushing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FileSystemObjectStore store = new FileSystemObjectStore(root, 1 << 20, Runnable::run, channel -> {
            flushing.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.exists(committed) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            renamedDuringFlush.set(Files.exists(committed));
            awaitOrFail(release);
        });
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[65_536]));

        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
            try {
                store.commit(ACME, pending);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(flushing.await(10, TimeUnit.SECONDS)).as("the data flush started").isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (!renamedDuringFlush.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(renamedDuringFlush).as("the object had its committed name while its data flush ran").isTrue();
        Thread.sleep(100);
        assertThat(commit).as("the commit waits for the data flush").isNotDone();

        release.countDown();
        commit.get(10, TimeUnit.SECONDS);
        try (SeekableByteChannel channel = store.open(ACME, id)) {
            assertThat(channel.size()).isEqualTo(65_536);
        }
    }

    /** A data flush that fails after the rename fails the commit and leaves the object under its pending name. */
    @Test
    void failedDataFlush_failsTheCommit_andLeavesTheObjectPending() throws IOException {
        ObjectId id = ObjectId.random(random);
        Path committed = root.resolve("acme").resolve(id.value());
        FileSystemObjectStore store = new FileSystemObjectStore(root, 1 << 20, Runnable::run, channel -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.exists(committed) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            throw new IOException("Input/output error");
        });
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[65_536]));

        assertThatThrownBy(() -> store.commit(ACME, pending)).isInstanceOf(IOException.class)
                .hasMessageContaining("Input/output error");

        assertThatThrownBy(() -> store.open(ACME, id)).as("not committed").isInstanceOf(NoSuchFileException.class);
        try (PendingObject again = store.reopen(ACME, id)) {
            assertThat(again.channel().size()).isEqualTo(65_536);
        }
        store.delete(ACME, id);
        assertThatThrownBy(() -> store.reopen(ACME, id)).isInstanceOf(NoSuchFileException.class);
    }

    /** With no commit flusher free, the committing thread flushes the data itself, before the rename, as before. */
    @Test
    void commit_withEveryFlusherBusy_flushesTheDataFirstOnItsOwnThread() throws IOException {
        ObjectId id = ObjectId.random(random);
        Path committed = root.resolve("acme").resolve(id.value());
        List<String> seen = new CopyOnWriteArrayList<>();
        FileSystemObjectStore store = new FileSystemObjectStore(root, 1 << 20, Runnable::run,
                channel -> seen.add(Thread.currentThread().getName() + (Files.exists(committed) ? " renamed" : "")),
                task -> {
                    throw new RejectedExecutionException("all busy");
                });
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[100]));

        store.commit(ACME, pending);

        assertThat(seen).containsExactly(Thread.currentThread().getName());
        assertThat(Files.size(committed)).isEqualTo(100);
    }

    /**
     * Review22d M1: an object over {@link FileSystemObjectStore#OVERLAPPED_UP_TO} has its data flushed before the
     * rename, with flushers free, so a power loss during its commit never leaves its committed name over data that is
     * not on disk (recovery keeps only the segments before the first torn one: a large upload would lose what it wrote
     * since its last background flush, up to {@link FileSystemObjectStore#WRITEBACK_EVERY_MIB} MiB, to be sent again).
     */
    @Test
    void commit_ofAnObjectOverOneMebibyte_flushesTheDataBeforeTheRename() throws IOException {
        ObjectId id = ObjectId.random(random);
        Path committed = root.resolve("acme").resolve(id.value());
        List<String> seen = new CopyOnWriteArrayList<>();
        FileSystemObjectStore store = new FileSystemObjectStore(root, 64 << 20, Runnable::run,
                channel -> seen.add(Thread.currentThread().getName() + (Files.exists(committed) ? " renamed" : "")));
        PendingObject pending = store.create(ACME, id);
        pending.channel().write(ByteBuffer.wrap(new byte[(int) FileSystemObjectStore.OVERLAPPED_UP_TO + 1]));

        store.commit(ACME, pending);

        assertThat(seen).containsExactly(Thread.currentThread().getName());
        assertThat(Files.size(committed)).isEqualTo(FileSystemObjectStore.OVERLAPPED_UP_TO + 1);
    }

    private static void awaitOrFail(CountDownLatch latch) throws IOException {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IOException("test latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
