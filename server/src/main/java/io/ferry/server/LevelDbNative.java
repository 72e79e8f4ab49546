package io.ferry.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * leveldbjni's native library, extracted once under the node's home ({@code <home>/native}) and
 * loaded from there. Left alone, its loader (HawtJNI) unpacks the library into {@code
 * java.io.tmpdir} under a new name in every JVM, and a JVM that is killed leaves its copy behind.
 * HawtJNI loads {@code <library.leveldbjni.path>/libleveldbjni.so} when that file exists, so this
 * class puts it there (written to a temporary name and moved into place, so that two processes
 * starting at once both see a whole file) and sets the property before LevelDB is first used.
 */
public final class LevelDbNative {
  private static final Logger log = LoggerFactory.getLogger(LevelDbNative.class);
  static final String PATH_PROPERTY = "library.leveldbjni.path";

  private LevelDbNative() {}

  /** Makes leveldbjni load its library from {@code <home>/native}, extracting it if needed. */
  public static void useHome(Path home) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return; // set by the operator (or already done in this JVM)
    }
    String resource = resource();
    if (resource == null) {
      return;
    }
    Path dir = home.resolve("native");
    Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
    try {
      if (!Files.isRegularFile(target)) {
        try (InputStream in = LevelDbNative.class.getClassLoader().getResourceAsStream(resource)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path tmp = Files.createTempFile(dir, ".leveldbjni", ".tmp");
          try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
              Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
              Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
          } finally {
            Files.deleteIfExists(tmp);
          }
        }
      }
      System.setProperty(PATH_PROPERTY, dir.toAbsolutePath().toString());
    } catch (IOException e) {
      log.debug("could not extract leveldbjni into {}; it unpacks into java.io.tmpdir", dir, e);
    }
  }

  /** Where leveldbjni-all keeps the library for this platform, or null when it has none. */
  static String resource() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    boolean is64 = System.getProperty("os.arch", "").contains("64");
    if (os.contains("linux")) {
      return "META-INF/native/" + (is64 ? "linux64" : "linux32") + "/libleveldbjni.so";
    }
    if (os.contains("mac")) {
      return "META-INF/native/osx/libleveldbjni.jnilib";
    }
    if (os.contains("win")) {
      return "META-INF/native/" + (is64 ? "windows64" : "windows32") + "/leveldbjni.dll";
    }
    return null;
  }
}
