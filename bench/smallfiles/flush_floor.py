#!/usr/bin/env python3
"""The flush floor of many small durable uploads: what the disk allows when each file is stored the way the gateway
stores an acknowledged small upload, with none of its other work (no network, SSH, encryption, digest or catalog).

Per file: write it to a temporary name and fdatasync it (the object), rename it into place and fsync the directory,
then append a small record to a journal file and fsync that (the catalog's commit). Three flushes, the gateway's
count per `put` (docs/benchmarks.md). Prints files per second; the files are deleted at the end.

    flush_floor.py DIR INPUT_FILE... (each input file is written once, in order)
"""
import os
import sys
import time


def main() -> None:
    directory, inputs = sys.argv[1], sys.argv[2:]
    os.makedirs(directory, exist_ok=True)
    payloads = []
    for path in inputs:
        with open(path, "rb") as f:
            payloads.append(f.read())
    dir_fd = os.open(directory, os.O_RDONLY)
    journal = os.open(os.path.join(directory, "journal"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    record = b"x" * 200
    names = []
    start = time.perf_counter()
    for i, payload in enumerate(payloads):
        temporary = os.path.join(directory, f"f{i}.pending")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, payload)
            os.fdatasync(fd)
        finally:
            os.close(fd)
        final = os.path.join(directory, f"f{i}")
        os.rename(temporary, final)
        os.fsync(dir_fd)
        os.write(journal, record)
        os.fsync(journal)
        names.append(final)
    elapsed = time.perf_counter() - start
    for name in names:
        os.unlink(name)
    os.close(journal)
    os.unlink(os.path.join(directory, "journal"))
    os.close(dir_fd)
    print(f"{len(payloads) / elapsed:.1f}")


if __name__ == "__main__":
    main()
