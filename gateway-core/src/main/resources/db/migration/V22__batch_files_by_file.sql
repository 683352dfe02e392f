-- A deleted file leaves the batches an operator may still see, open, ready or claimed, with their counters
-- (BatchRepository.removeFile, called by FileRepository.delete: a client's deletion, the owner's new upload replacing
-- the file, retention, a tenant's shredding). It finds them by the file: batch_files' primary key starts with the
-- batch, so without this index every deletion would read the whole table. The same look-up serves a client's rename
-- of a batched file (FileRepository.unfinishedBatchesOf).
CREATE INDEX batch_files_by_file ON batch_files (file_id);

-- Before, a deleted or replaced file stayed counted: the unfinished batches lose their rows of files that no longer
-- exist, and their counters become what they hold. Completed and abandoned batches keep theirs (what they held when
-- they ended), as from now on.
DELETE FROM batch_files
 WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = batch_files.file_id)
   AND EXISTS (SELECT 1 FROM batches b WHERE b.id = batch_files.batch_id AND b.state IN ('OPEN', 'READY', 'CLAIMED'));
UPDATE batches
   SET file_count = (SELECT COUNT(*) FROM batch_files bf WHERE bf.batch_id = batches.id),
       total_bytes = (SELECT COALESCE(SUM(f.size), 0) FROM batch_files bf JOIN files f ON f.id = bf.file_id
                       WHERE bf.batch_id = batches.id)
 WHERE state IN ('OPEN', 'READY', 'CLAIMED');
