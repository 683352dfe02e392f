package io.vaultgate.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The object store for ciphertext ({@code storage.*}).
 *
 * @param type  the store kind
 * @param path  the root directory of objects, relative to home unless absolute ({@code filesystem})
 * @param directIo whether large objects are written and read with direct I/O where the root's file system allows
 *              it, bypassing the page cache ({@code filesystem}; docs/format.md 2.6)
 * @param s3    the bucket and how to reach it ({@code s3})
 */
public record StorageConfig(StorageType type, Path path, boolean directIo, S3 s3) {

    public StorageConfig {
        Require.present("storage.type", type);
        Require.path("storage.path", path);
        Require.present("storage.s3", s3);
        if (type == StorageType.S3 && s3.bucket().isEmpty()) {
            throw new ConfigException("storage.s3.bucket", "no bucket given, but storage.type is s3",
                    "name the bucket that holds the ciphertext, e.g. storage.s3.bucket: vaultgate-objects");
        }
    }

    /** A store with direct I/O and the S3 section at their defaults. */
    public StorageConfig(StorageType type, Path path) {
        this(type, path, true, S3.defaults());
    }

    public static StorageConfig defaults() {
        return new StorageConfig(StorageType.FILESYSTEM, Path.of("objects"));
    }

    /** One phrase for the start-up summary: the directory, or the bucket and where it is. */
    public String describe(Path resolvedRoot) {
        if (type == StorageType.FILESYSTEM) {
            return "filesystem " + resolvedRoot + (directIo ? "" : " direct-io off");
        }
        return "s3 s3://" + s3.bucket() + "/" + s3.keyPrefix()
                + (s3.endpoint().isEmpty() ? "" : " at " + s3.endpoint())
                + " region " + s3.region() + (s3.pathStyle() ? " path-style" : "")
                + " part-size " + s3.partSize() + " orphan-grace " + Durations.format(s3.orphanGrace());
    }

    /**
     * An S3-compatible bucket ({@code storage.s3.*}). Credentials are never configuration: they come from
     * {@code $AWS_ACCESS_KEY_ID} and {@code $AWS_SECRET_ACCESS_KEY}, else from {@code credentials-file}.
     *
     * @param endpoint        the service URL of an S3-compatible service; empty for AWS (derived from the
     *                        region). {@code https://} unless the host is a loopback address
     * @param region          the signing region
     * @param bucket          the bucket; required when {@code storage.type} is {@code s3}
     * @param keyPrefix       prepended to every object key (empty, or ending with {@code /})
     * @param pathStyle       address the bucket in the path ({@code https://host/bucket/key}), as most
     *                        S3-compatible services need
     * @param partSize        multipart part size (5MiB-512MiB; parts are the whole 64KiB segments that fit): the
     *                        memory one upload holds at most; objects are limited to 10,000 parts
     * @param credentialsFile {@code access-key-id=} and {@code secret-access-key=} lines, mode 0600, relative
     *                        to home unless absolute; read when the environment does not give the key
     * @param orphanGrace     objects and unfinished multipart uploads no catalog row names are removed by the
     *                        start-up sweep only once older than this (another node may be writing them)
     */
    public record S3(String endpoint, String region, String bucket, String keyPrefix, boolean pathStyle,
                     DataSize partSize, Path credentialsFile, Duration orphanGrace) {

        private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
        private static final Pattern REGION = Pattern.compile("[a-z0-9-]{2,32}");
        private static final Pattern PREFIX = Pattern.compile("([A-Za-z0-9._-]+/)*");

        public S3 {
            Require.present("storage.s3.endpoint", endpoint);
            if (!endpoint.isEmpty()) {
                checkEndpoint(endpoint);
            }
            Require.present("storage.s3.region", region);
            if (!REGION.matcher(region).matches()) {
                throw new ConfigException("storage.s3.region", "not a region " + InvalidValue.quote(region),
                        "use e.g. us-east-1 or eu-west-1 (us-east-1 suits most S3-compatible services)");
            }
            Require.present("storage.s3.bucket", bucket);
            if (!bucket.isEmpty() && !BUCKET.matcher(bucket).matches()) {
                throw new ConfigException("storage.s3.bucket", "not a bucket name " + InvalidValue.quote(bucket),
                        "use 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit");
            }
            Require.present("storage.s3.key-prefix", keyPrefix);
            if (!PREFIX.matcher(keyPrefix).matches()) {
                throw new ConfigException("storage.s3.key-prefix", "not a key prefix " + InvalidValue.quote(keyPrefix),
                        "leave it empty, or give path segments of A-Z, a-z, 0-9, '.', '_', '-' each ending with '/',"
                                + " e.g. vaultgate/");
            }
            Require.between("storage.s3.part-size", partSize, DataSize.ofMebibytes(5), DataSize.ofMebibytes(512));
            Require.path("storage.s3.credentials-file", credentialsFile);
            Require.between("storage.s3.orphan-grace", orphanGrace, Duration.ofMinutes(10), Duration.ofDays(30));
        }

        public static S3 defaults() {
            return new S3("", "us-east-1", "", "", false, DataSize.ofMebibytes(8),
                    Path.of("secrets", "s3-credentials"), Duration.ofHours(24));
        }

        private static void checkEndpoint(String endpoint) {
            URI uri;
            try {
                uri = new URI(endpoint);
            } catch (URISyntaxException e) {
                throw new ConfigException("storage.s3.endpoint", "not a URL " + InvalidValue.quote(endpoint),
                        "use e.g. https://s3.example.internal:9000, or leave it empty for AWS");
            }
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                    || uri.getUserInfo() != null) {
                throw new ConfigException("storage.s3.endpoint", "not an http(s) URL with a host "
                        + InvalidValue.quote(endpoint), "use e.g. https://s3.example.internal:9000 (no credentials"
                        + " in the URL)");
            }
            if ("http".equals(uri.getScheme()) && !LoopbackHost.is(uri.getHost())) {
                throw new ConfigException("storage.s3.endpoint", "plain http:// to " + uri.getHost()
                        + " would expose object names and requests on the network",
                        "use https:// (plain http is accepted only for a loopback address)");
            }
        }
    }
}
