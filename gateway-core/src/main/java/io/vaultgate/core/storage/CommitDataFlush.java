package io.vaultgate.core.storage;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/** A commit's flush of the object's data, run once, by a commit flusher or by the committing thread itself. */
final class CommitDataFlush implements Runnable {
    private final FilePendingObject object;
    private final CountDownLatch done = new CountDownLatch(1);
    private Throwable failure; // written before done counts down, read after it did

    CommitDataFlush(FilePendingObject object) {
        this.object = object;
    }

    @Override
    public void run() {
        try {
            object.syncData();
        } catch (Throwable e) { // whatever it is, the committing thread must not take the data as flushed
            failure = e;
        } finally {
            done.countDown();
        }
    }

    /** Waits for the flush (not interruptible: the object must not be closed under it) and throws its failure. */
    void await() throws IOException {
        awaitDone();
        if (failure instanceof ObjectFlushFailed e) {
            throw e.again(); // typed, for the caller to tell a lost writeback from other failures
        }
        if (failure instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IOException("the object's data flush failed: " + failure, failure);
        }
    }

    /** Waits for the flush after the rename or directory flush failed with {@code primary}; adds its failure. */
    void awaitQuietly(Exception primary) {
        awaitDone();
        if (failure != null) {
            primary.addSuppressed(failure);
        }
    }

    private void awaitDone() {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
