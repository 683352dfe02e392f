package io.vaultgate.core.storage.s3;

import io.vaultgate.core.auth.SecretFile;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The access key the gateway signs S3 requests with. It comes from the environment
 * ({@value #ACCESS_KEY_ENV} and {@value #SECRET_KEY_ENV}, both set) or from a file only its owner can read,
 * holding {@code access-key-id=...} and {@code secret-access-key=...} lines. Never logged: {@link #toString()}
 * shows the key id only.
 */
public final class S3Credentials {

    public static final String ACCESS_KEY_ENV = "AWS_ACCESS_KEY_ID";
    public static final String SECRET_KEY_ENV = "AWS_SECRET_ACCESS_KEY";

    private final String accessKeyId;
    private final String secretAccessKey;
    private final String source;

    private S3Credentials(String accessKeyId, String secretAccessKey, String source) {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isBlank()) {
            throw new IllegalArgumentException(source + ": both an access key id and a secret access key are needed");
        }
        this.accessKeyId = accessKeyId.strip();
        this.secretAccessKey = secretAccessKey.strip();
        this.source = source;
    }

    public static S3Credentials of(String accessKeyId, String secretAccessKey) {
        return new S3Credentials(accessKeyId, secretAccessKey, "given credentials");
    }

    /** The credentials in {@code env}, if both variables are set and non-empty. */
    public static Optional<S3Credentials> fromEnvironment(Map<String, String> env) {
        String id = env.get(ACCESS_KEY_ENV);
        String secret = env.get(SECRET_KEY_ENV);
        if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new S3Credentials(id, secret, "$" + ACCESS_KEY_ENV + " and $" + SECRET_KEY_ENV));
    }

    /**
     * Reads a credentials file.
     *
     * @throws IOException if it is missing or unreadable, or group or others may read or write it
     * @throws IllegalArgumentException if a key is missing
     */
    public static S3Credentials fromFile(Path file) throws IOException {
        SecretFile.requireOwnerOnly(file);
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return new S3Credentials(properties.getProperty("access-key-id"), properties.getProperty("secret-access-key"),
                file.toString());
    }

    /** Writes a credentials file (0600), e.g. for a test or a provisioning script. */
    public static void write(Path file, String accessKeyId, String secretAccessKey) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "access-key-id=" + accessKeyId + "\nsecret-access-key=" + secretAccessKey + "\n",
                StandardCharsets.UTF_8);
    }

    AwsCredentialsProvider provider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }

    /** Where they came from, for error messages; never the secret. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        String shown = accessKeyId.substring(0, Math.min(4, accessKeyId.length()));
        return "S3Credentials[" + shown + "…, secret redacted, from " + source + "]";
    }
}
