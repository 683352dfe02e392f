package io.vaultgate.core.storage.s3;

import software.amazon.awssdk.services.s3.S3Client;

/** One object's address: the client that reaches it, its bucket and its key. */
record S3Target(S3Client client, String bucket, String key) {
}
