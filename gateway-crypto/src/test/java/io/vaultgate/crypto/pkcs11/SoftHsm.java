package io.vaultgate.crypto.pkcs11;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A throw-away SoftHSM2 token for the tests, created once per JVM: SoftHSM reads its token
 * directory when the module is first loaded, so every test shares this one token and isolates
 * itself with its own tenant ids. Requires the Debian package {@code softhsm2} and the
 * {@code SOFTHSM2_CONF} variable that surefire sets (see the module's pom.xml).
 */
final class SoftHsm {
  static final char[] PIN = "87654321".toCharArray();
  private static final List<String> LIBRARIES = List.of(
      "/usr/lib/softhsm/libsofthsm2.so",
      "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
      "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
      "/usr/local/lib/softhsm/libsofthsm2.so");
  private static Pkcs11Config config;

  private SoftHsm() {}

  static synchronized Pkcs11Config token() {
    if (config == null) {
      config = initToken();
    }
    return config;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: target/ is cleaned by mvn clean anyway
    }
  }

  private static Pkcs11Config initToken() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null) {
      throw new IllegalStateException("SOFTHSM2_CONF is not set; run the tests through Maven");
    }
    Path library = LIBRARIES.stream().map(Path::of).filter(Files::exists).findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "SoftHSM2 is not installed (looked in " + LIBRARIES + "): apt-get install softhsm2"));
    try {
      Path confFile = Path.of(conf);
      Path tokens = confFile.resolveSibling("tokens-" + ProcessHandle.current().pid());
      Files.createDirectories(tokens);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tokens)));
      Files.writeString(confFile, "directories.tokendir = " + tokens + "\n"
          + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
      Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free",
          "--label", "vaultgate-test", "--so-pin", "12345678", "--pin", new String(PIN))
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IllegalStateException("softhsm2-util failed: " + out);
      }
      Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("cannot find the slot in softhsm2-util output: " + out);
      }
      return new Pkcs11Config("vaultgate-test", library, Long.parseLong(m.group(1)));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a SoftHSM2 token: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
