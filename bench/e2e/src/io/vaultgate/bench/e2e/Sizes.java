package io.vaultgate.bench.e2e;

/**
 * How much each scenario moves.
 *
 * @param bigMiB      the single large upload and download
 * @param smallFiles  how many small files, of {@code smallKiB} each, one session / one connection
 * @param par8MiB     the file each of 8 parallel clients uploads
 * @param par32MiB    the file each of 32 parallel clients uploads
 * @param warmMiB     the unmeasured warm-up transfer to each server (page cache, JIT)
 */
record Sizes(int bigMiB, int smallFiles, int smallKiB, int par8MiB, int par32MiB, int warmMiB) {

    static Sizes full() {
        return new Sizes(1024, 1000, 64, 128, 32, 256);
    }

    static Sizes quick() {
        return new Sizes(128, 200, 64, 16, 4, 64);
    }
}
