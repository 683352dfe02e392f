package io.vaultgate.core.storage.s3;

import io.vaultgate.crypto.format.EnvelopeFormat;

/**
 * Where the parts of a multipart upload begin and end in an envelope, so that every part boundary is a
 * segment boundary: part 0 holds the header and {@code k} whole segments, every later part {@code k}
 * segments. A prefix of whole parts is therefore always a header followed by whole sealed segments — a
 * valid suspended envelope — which is what lets an interrupted upload be completed from its listed parts
 * and resumed. Part indexes here are 0-based; S3 part numbers are {@code index + 1}.
 *
 * @param headerBytes the envelope header ({@value EnvelopeFormat#HEADER_SIZE} bytes)
 * @param partBytes   the bytes of every part after the first: a whole number of segments
 */
record PartLayout(int headerBytes, long partBytes) {

    /** The S3 limit on parts in one upload; it bounds an object to {@code 10,000 × part size}. */
    static final int MAX_PARTS = 10_000;
    /** The S3 minimum size of every part but the last. */
    static final long MIN_PART_BYTES = 5L * 1024 * 1024;
    /** The largest part this store buffers (one per upload, in memory). */
    static final long MAX_PART_BYTES = 512L * 1024 * 1024;

    PartLayout {
        if (headerBytes < 0 || partBytes <= 0 || headerBytes + partBytes > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("invalid part layout: header " + headerBytes + ", part " + partBytes);
        }
    }

    /**
     * The layout for Vaultgate envelopes (64 KiB segments) with parts of whole segments that fit in
     * {@code requestedBytes} with the header, so the memory an upload holds stays within what was asked;
     * only where that would fall below the S3 minimum of 5 MiB is it rounded up instead.
     *
     * @throws IllegalArgumentException if {@code requestedBytes} is below 5 MiB or above 512 MiB
     */
    static PartLayout forEnvelopes(long requestedBytes) {
        if (requestedBytes < MIN_PART_BYTES || requestedBytes > MAX_PART_BYTES) {
            throw new IllegalArgumentException("the part size must be between 5 MiB (the S3 minimum) and 512 MiB,"
                    + " was " + requestedBytes + " bytes");
        }
        long stride = EnvelopeFormat.DEFAULT_SEGMENT_SIZE + (long) EnvelopeFormat.SEGMENT_OVERHEAD;
        long segments = (requestedBytes - EnvelopeFormat.HEADER_SIZE) / stride;
        if (segments * stride < MIN_PART_BYTES) {
            segments = (MIN_PART_BYTES + stride - 1) / stride;
        }
        return new PartLayout(EnvelopeFormat.HEADER_SIZE, segments * stride);
    }

    long start(int part) {
        return part == 0 ? 0 : headerBytes + part * partBytes;
    }

    long end(int part) {
        return headerBytes + (part + 1) * partBytes;
    }

    long length(int part) {
        return end(part) - start(part);
    }

    /** The part holding byte {@code offset}. */
    int partOf(long offset) {
        if (offset < headerBytes + partBytes) {
            return 0;
        }
        long part = (offset - headerBytes) / partBytes;
        return part > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) part;
    }

    /** The part an object of {@code size} bytes ends in: where its last byte is (part 0 when empty). */
    int lastPartOf(long size) {
        return size == 0 ? 0 : partOf(size - 1);
    }

    /** The largest object this layout can store: {@value #MAX_PARTS} parts. */
    long maxObjectBytes() {
        return end(MAX_PARTS - 1);
    }
}
