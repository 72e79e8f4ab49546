package io.ferry.validators;

import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.spi.ValidatorProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/** Finds plug-ins: jars in a plugins directory, providers through {@link ServiceLoader}. */
final class ProviderDiscovery {
  private ProviderDiscovery() {}

  /**
   * Registers every provider {@code loader} finds. When one fails, the providers registered before
   * it are closed again (their ledgers and files released) and the failure is thrown.
   */
  static void registerAll(VoucherRegistry registry, ValidatorContext context, ClassLoader loader) {
    try {
      registerEach(registry, context, loader);
    } catch (RuntimeException e) {
      closeQuietly(registry, e);
      throw e;
    }
  }

  private static void registerEach(
      VoucherRegistry registry, ValidatorContext context, ClassLoader loader) {
    Map<String, String> seen = new HashMap<>();
    Iterator<ValidatorProvider> providers =
        ServiceLoader.load(ValidatorProvider.class, loader).iterator();
    while (true) {
      ValidatorProvider provider;
      try {
        if (!providers.hasNext()) {
          return;
        }
        provider = providers.next();
      } catch (ServiceConfigurationError e) {
        throw new IllegalStateException("cannot load a validator plug-in: " + e.getMessage(), e);
      }
      String name = provider.name();
      String className = provider.getClass().getName();
      if (name == null || name.isBlank() || name.contains("/") || name.contains("..")) {
        throw new IllegalStateException(
            "validator plug-in " + className + " has an unusable name '" + name + "'");
      }
      String previous = seen.put(name, className);
      if (previous != null) {
        throw new IllegalStateException(
            "two validator plug-ins are named '" + name + "': " + previous + " and " + className);
      }
      try {
        provider.register(registry, contextFor(name, context));
        registry.adopt(provider);
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "validator plug-in '"
                + name
                + "' ("
                + className
                + ") failed to register: "
                + e.getMessage(),
            e);
      }
    }
  }

  /** A start that fails releases what the plug-ins registered so far had opened. */
  private static void closeQuietly(VoucherRegistry registry, Throwable cause) {
    try {
      registry.close();
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** The plug-in's own data directory and settings (keys {@code <name>.*}, prefix removed). */
  static ValidatorContext contextFor(String name, ValidatorContext context) {
    String prefix = name + ".";
    Map<String, String> own = new HashMap<>();
    Map<String, String> all = context.settings() == null ? Map.of() : context.settings();
    all.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            own.put(key.substring(prefix.length()), value);
          }
        });
    Path dir = context.dataDirectory() == null ? null : context.dataDirectory().resolve(name);
    return new ValidatorContext(
        context.self(), dir, Map.copyOf(own), context.signer(), context.sharedDatabase());
  }

  static URLClassLoader pluginLoader(Path pluginsDir, ClassLoader parent) {
    List<URL> jars = new ArrayList<>();
    if (Files.exists(pluginsDir)) {
      if (!Files.isDirectory(pluginsDir)) {
        throw new IllegalArgumentException("plugins path " + pluginsDir + " is not a directory");
      }
      try (Stream<Path> files = Files.list(pluginsDir)) {
        for (Path jar :
            files
                .filter(p -> p.getFileName().toString().endsWith(".jar"))
                .filter(Files::isRegularFile)
                .sorted()
                .toList()) {
          jars.add(jar.toUri().toURL());
        }
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("cannot use plug-in jar: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list plugins directory " + pluginsDir, e);
      }
    }
    return new URLClassLoader("ferry-plugins", jars.toArray(URL[]::new), parent);
  }
}
