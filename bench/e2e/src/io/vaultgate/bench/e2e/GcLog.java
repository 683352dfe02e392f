package io.vaultgate.bench.e2e;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads heap occupancy from a unified GC log ({@code -Xlog:gc}): every collection logs
 * {@code before->after(capacity)}; the largest "before" is the peak heap, the largest "after" the peak live set.
 */
final class GcLog {
    private static final Pattern SIZES = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private GcLog() {
    }

    /** Peak and live heap in MiB logged after {@code offset}; -1 each when no collection happened. */
    record Heap(double peakMiB, double liveMiB) {
    }

    static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static Heap since(Path log, long offset) throws IOException {
        String text;
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.max(0, file.length() - offset)];
            file.seek(offset);
            file.readFully(bytes);
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        double peak = -1;
        double live = -1;
        Matcher m = SIZES.matcher(text);
        while (m.find()) {
            peak = Math.max(peak, Double.parseDouble(m.group(1)));
            live = Math.max(live, Double.parseDouble(m.group(2)));
        }
        return new Heap(peak, live);
    }
}
