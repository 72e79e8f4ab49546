package io.ferry.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layers {@link FerryConfig} merges, each a {@link Config} whose origin says where it came
 * from.
 */
final class ConfigLayers {
  private ConfigLayers() {}

  static Config flagsLayer(FerryConfig.Flags flags) {
    Map<String, Object> m = new LinkedHashMap<>();
    flags.home().ifPresent(h -> m.put("ferry.home", h.toAbsolutePath().toString()));
    flags.listen().ifPresent(l -> m.put("ferry.listen", l));
    flags.api().ifPresent(a -> m.put("ferry.api.address", a));
    flags.gateway().ifPresent(g -> m.put("ferry.gateway.listen", g));
    return ConfigFactory.parseMap(m, "command-line flags");
  }

  static Config environmentLayer(Map<String, String> env) {
    Map<String, Object> m = new LinkedHashMap<>();
    FerryConfig.ENVIRONMENT.forEach(
        (var, key) -> {
          String v = env.get(var);
          if (v != null && !v.isBlank()) {
            m.put(key, v);
          }
        });
    return ConfigFactory.parseMap(m, "environment");
  }

  static Config fileLayer(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("config file not found: " + file.toAbsolutePath());
    }
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }
}
