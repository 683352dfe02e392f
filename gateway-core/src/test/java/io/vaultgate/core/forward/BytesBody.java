package io.vaultgate.core.forward;

import java.nio.ByteBuffer;

/** A request body from a byte array, for tests of the forwarder's HTTP client. */
record BytesBody(byte[] bytes) implements BodySource {

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        if (position >= bytes.length) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), bytes.length - position);
        dst.put(bytes, (int) position, n);
        return n;
    }
}
