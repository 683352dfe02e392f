package io.vaultgate.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

/**
 * The two chunk buffers of a {@link DirectReadChannel}, the chunk each holds, and the reading ahead into them. Buffers
 * are taken from {@link ChunkBuffers} on first use (a file of one chunk uses one); with every buffer of the process
 * out, a chunk is not loaded ({@link #chunk} answers null: the channel reads through the page cache) and nothing is
 * read ahead. At most one read-ahead ({@link DirectReadAhead}) is in flight: one still queued when the reader needs
 * its chunk is run by the reader; one whose chunk is not asked for is left to end, its bytes kept, and its buffer is
 * loaded with another chunk only after it ended.
 *
 * <p>Not thread-safe: its channel calls it under its own lock (a read-ahead's pool thread touches only its
 * {@link DirectReadAhead} and its buffer). {@link #release} returns the buffers; one still being read into goes back
 * once that read ends, so nothing ever reads into a buffer another channel has.
 */
final class DirectReadSlots {

    private final DirectReadFile file;
    private final ChunkBuffers buffers;
    private final Executor readAhead;
    private final Slot[] slots = {new Slot(), new Slot()};
    private Slot recent = slots[0]; // the slot the last byte served came from
    private long aheadStarted;
    private long aheadUsed;

    /** A chunk buffer and the chunk it holds (or is being read into by {@link #pending}). */
    private static final class Slot {
        ByteBuffer buffer;
        long chunk = -1;
        int length;
        DirectReadAhead pending;
        boolean fromReadAhead;
    }

    DirectReadSlots(DirectReadFile file, ChunkBuffers buffers, Executor readAhead) {
        this.file = file;
        this.buffers = buffers;
        this.readAhead = readAhead;
    }

    /**
     * The bytes of {@code chunk} (position 0, limit the bytes it holds: fewer than a chunk at the file's end): a hit,
     * a read-ahead awaited (or read here if still queued), or a load; null if the chunk is to be loaded and no chunk
     * buffer is to be had.
     */
    ByteBuffer chunk(long chunk) throws IOException {
        Slot slot = slotFor(chunk);
        return slot == null ? null : slot.buffer.duplicate().limit(slot.length).position(0);
    }

    private Slot slotFor(long chunk) throws IOException {
        for (Slot slot : slots) {
            if (slot.chunk == chunk) {
                if (slot.pending != null) {
                    finish(slot);
                }
                if (slot.fromReadAhead) {
                    aheadUsed++;
                    slot.fromReadAhead = false;
                }
                recent = slot;
                return slot;
            }
        }
        Slot other = recent == slots[0] ? slots[1] : slots[0];
        settle(other);
        Slot target = other.pending == null ? other : recent; // a read-ahead in flight is left to finish
        if (target.buffer == null) {
            target.buffer = buffers.take();
            if (target.buffer == null) {
                Slot withBuffer = target == other ? recent : other;
                if (withBuffer.buffer == null || withBuffer.pending != null) {
                    return null;
                }
                target = withBuffer;
            }
        }
        target.chunk = -1;
        target.fromReadAhead = false;
        target.length = file.read(chunk, target.buffer);
        target.chunk = chunk;
        recent = target;
        return target;
    }

    /** Waits for the read-ahead of {@code slot} (or runs it here if no pool thread has taken it yet). */
    private void finish(Slot slot) throws IOException {
        try {
            slot.length = slot.pending.await();
        } catch (IOException e) {
            slot.chunk = -1;
            throw e;
        } finally {
            slot.pending = null;
        }
    }

    /**
     * After a sequential read that ended at {@code position} of a file of {@code size} bytes: starts reading the chunk
     * after the one the next read starts in (or that one, if no slot holds it) into the other slot (the one not read
     * from last, where no slot holds it), unless it is held already, lies past the end, or a read-ahead is in flight.
     */
    void readAheadOf(long position, long size) {
        int chunkSize = file.chunkSize();
        long current = position / chunkSize;
        Slot keep = slots[0].chunk == current ? slots[0] : slots[1].chunk == current ? slots[1] : recent;
        long next = keep.chunk == current ? current + 1 : current;
        if (next * chunkSize >= size || holds(next)) {
            return;
        }
        settle(slots[0]);
        settle(slots[1]);
        if (slots[0].pending != null || slots[1].pending != null) {
            return; // one read-ahead in flight at a time
        }
        Slot spare = keep == slots[0] ? slots[1] : slots[0];
        if (spare.buffer == null) {
            spare.buffer = buffers.take();
            if (spare.buffer == null) {
                return; // every chunk buffer of the process is out: no read-ahead
            }
        }
        DirectReadAhead task = new DirectReadAhead(file, next, spare.buffer);
        spare.chunk = next;
        spare.pending = task;
        spare.fromReadAhead = true;
        aheadStarted++;
        try {
            readAhead.execute(task);
        } catch (RuntimeException rejected) {
            // left queued in the slot: the reader runs it itself when it gets there (finish)
        }
    }

    /**
     * Takes in a read-ahead of {@code slot} that has ended, whether or not its chunk was asked for since: its bytes
     * if it succeeded (a later read of its chunk uses them), nothing if it failed (a later read of its chunk reads
     * it again and reports its own failure). One still queued or running is left alone.
     */
    private void settle(Slot slot) {
        DirectReadAhead pending = slot.pending;
        if (pending == null || !pending.isDone()) {
            return;
        }
        slot.pending = null;
        if (pending.failed()) {
            slot.chunk = -1;
            slot.fromReadAhead = false;
        } else {
            slot.length = pending.length();
        }
    }

    private boolean holds(long chunk) {
        return slots[0].chunk == chunk || slots[1].chunk == chunk;
    }

    /**
     * Returns the buffers to the pool: at once where no read-ahead is in flight; a queued one is run here first (it
     * ends at once on the closed file), a running one gives its buffer back when it ends.
     */
    void release() {
        for (Slot slot : slots) {
            ByteBuffer buffer = slot.buffer;
            slot.buffer = null;
            slot.chunk = -1;
            if (buffer == null) {
                continue;
            }
            if (slot.pending == null) {
                buffers.giveBack(buffer);
            } else {
                DirectReadAhead pending = slot.pending;
                slot.pending = null;
                pending.run(); // not yet taken: ends at once, on the closed file
                pending.whenDone(() -> buffers.giveBack(buffer));
            }
        }
    }

    /** Chunks read ahead so far. */
    long readAheadsStarted() {
        return aheadStarted;
    }

    /** Chunks served from a read-ahead so far. */
    long readAheadsUsed() {
        return aheadUsed;
    }

    /** Chunk buffers held (at most two). */
    int buffersHeld() {
        return (slots[0].buffer == null ? 0 : 1) + (slots[1].buffer == null ? 0 : 1);
    }
}
