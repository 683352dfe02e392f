package io.vaultgate.core.storage;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Objects a sweep has listed but not judged yet: at most {@link ReferencedObjects#BATCH}, whose references are
 * asked in one call; those the catalog does not refer to are deleted.
 *
 * @param <T> how the store names an object to delete it (a path, a key)
 */
public final class SweepBatch<T> {

    /** Deletes one stored object. */
    @FunctionalInterface
    public interface Deleter<T> {
        void delete(T object) throws IOException;
    }

    private final Map<ObjectId, T> listed = new HashMap<>();
    private final Function<List<ObjectId>, Set<ObjectId>> referenced;
    private final Deleter<T> deleter;
    private int removed;

    /** @param referenced of a batch of ids, those the catalog still refers to */
    public SweepBatch(Function<List<ObjectId>, Set<ObjectId>> referenced, Deleter<T> deleter) {
        this.referenced = referenced;
        this.deleter = deleter;
    }

    /** Adds a listed object; judges the batch once it is full. */
    public void add(ObjectId id, T object) throws IOException {
        listed.put(id, object);
        if (listed.size() == ReferencedObjects.BATCH) {
            judge();
        }
    }

    /** Deletes a listed name that is not an object id at all (not ours, or a torn write). */
    public void deleteStray(T object) throws IOException {
        deleter.delete(object);
        removed++;
    }

    /** Judges what is left; returns how many objects this sweep removed. */
    public int finish() throws IOException {
        judge();
        return removed;
    }

    private void judge() throws IOException {
        if (listed.isEmpty()) {
            return;
        }
        Set<ObjectId> kept = referenced.apply(List.copyOf(listed.keySet()));
        for (Map.Entry<ObjectId, T> object : listed.entrySet()) {
            if (!kept.contains(object.getKey())) {
                deleter.delete(object.getValue());
                removed++;
            }
        }
        listed.clear();
    }
}
