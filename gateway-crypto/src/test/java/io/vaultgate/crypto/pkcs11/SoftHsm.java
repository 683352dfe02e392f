package io.vaultgate.crypto.pkcs11;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Throw-away SoftHSM2 tokens for the tests, created once per JVM: SoftHSM reads its token
 * directory when the module is first loaded (a token made later is not listed in this process), so
 * every test shares these tokens and isolates itself with its own tenant ids. {@link #token()} is
 * the one most tests use; {@link #OTHER} and two tokens both labelled {@link #TWIN} are for the
 * tests of token selection and of logging in again. Requires the Debian package {@code softhsm2}
 * and the {@code SOFTHSM2_CONF} variable that surefire sets (see the module's pom.xml).
 */
final class SoftHsm {
  static final char[] PIN = "87654321".toCharArray();
  /** The label of {@link #token()}. */
  static final String LABEL = "vaultgate-test";
  /** The label of a second token, whose login the tests may end. */
  static final String OTHER = "vaultgate-other";
  /** The label two tokens bear. */
  static final String TWIN = "vaultgate-twin";
  private static final List<String> LIBRARIES = List.of(
      "/usr/lib/softhsm/libsofthsm2.so",
      "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
      "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
      "/usr/local/lib/softhsm/libsofthsm2.so");
  private static final Map<String, List<Long>> SLOTS = new HashMap<>();
  private static Pkcs11Config config;
  private static Path library;

  private SoftHsm() {}

  static synchronized Pkcs11Config token() {
    if (config == null) {
      config = initTokens();
    }
    return config;
  }

  /** The slots of the tokens labelled {@code label}, in the order they were made. */
  static synchronized List<Long> slots(String label) {
    token();
    return SLOTS.getOrDefault(label, List.of());
  }

  /** The PKCS#11 module. */
  static synchronized Path library() {
    token();
    return library;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: target/ is cleaned by mvn clean anyway
    }
  }

  private static Pkcs11Config initTokens() {
    String conf = System.getenv("SOFTHSM2_CONF");
    if (conf == null) {
      throw new IllegalStateException("SOFTHSM2_CONF is not set; run the tests through Maven");
    }
    library = LIBRARIES.stream().map(Path::of).filter(Files::exists).findFirst()
        .orElseThrow(() -> new IllegalStateException(
            "SoftHSM2 is not installed (looked in " + LIBRARIES + "): apt-get install softhsm2"));
    try {
      Path confFile = Path.of(conf);
      Path tokens = confFile.resolveSibling("tokens-" + ProcessHandle.current().pid());
      Files.createDirectories(tokens);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(tokens)));
      Files.writeString(confFile, "directories.tokendir = " + tokens + "\n"
          + "objectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n");
      for (String label : List.of(LABEL, OTHER, TWIN, TWIN)) {
        SLOTS.computeIfAbsent(label, k -> new ArrayList<>()).add(initToken(label));
      }
      return new Pkcs11Config(LABEL, library, SLOTS.get(LABEL).get(0));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a SoftHSM2 token: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long initToken(String label) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("softhsm2-util", "--init-token", "--free",
        "--label", label, "--so-pin", "12345678", "--pin", new String(PIN))
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("softhsm2-util failed: " + out);
    }
    Matcher m = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("cannot find the slot in softhsm2-util output: " + out);
    }
    return Long.parseLong(m.group(1));
  }
}
