package io.vaultgate.server;

import io.vaultgate.core.auth.SecretFile;
import io.vaultgate.server.config.VaultgateConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Reads the user PIN of the PKCS#11 token: the value of {@code $keys.pkcs11.pin-env} when it is set and non-empty,
 * else the content of {@code keys.pkcs11.pin-file} (owner-only, one line; a trailing newline is dropped). Errors
 * name where the PIN was looked for, never the PIN.
 */
final class Pkcs11Pin {

    private Pkcs11Pin() {
    }

    /** The PIN, in an array the caller clears after use. */
    static char[] read(VaultgateConfig config, Map<String, String> env) {
        String variable = config.keys().pkcs11().pinEnv();
        String value = variable.isEmpty() ? null : env.get(variable);
        if (value != null && !value.isEmpty()) {
            return value.toCharArray();
        }
        Path file = config.pkcs11PinFile();
        String resource = "keys.pkcs11.pin-file " + file;
        byte[] bytes;
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (SecretFile.openToOthers(mode)) {
                throw new StartupException(resource, "group or others may read or write it ("
                        + PosixFilePermissions.toString(mode) + ")", "run chmod 600 on it, and change the token's "
                        + "user PIN if others could read it");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new StartupException(resource, "no PIN for the PKCS#11 token: the file does not exist"
                    + (variable.isEmpty() ? "" : " and $" + variable + " is not set"), "write the token's user PIN "
                    + "into the file (mode 0600), or set $" + (variable.isEmpty() ? "the variable named by "
                    + "keys.pkcs11.pin-env" : variable), e);
        } catch (IOException e) {
            throw new StartupException(resource, "cannot be read (" + e.getClass().getSimpleName() + ")",
                    "check the file's owner and mode (0600)", e);
        }
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            int end = chars.limit();
            while (end > 0 && (chars.get(end - 1) == '\n' || chars.get(end - 1) == '\r')) {
                end--;
            }
            char[] pin = new char[end];
            chars.get(pin);
            Arrays.fill(chars.array(), '\0');
            if (pin.length == 0) {
                throw new StartupException(resource, "the file is empty", "write the token's user PIN into it");
            }
            return pin;
        } catch (CharacterCodingException e) {
            throw new StartupException(resource, "not UTF-8 text", "write the token's user PIN into it as text", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
