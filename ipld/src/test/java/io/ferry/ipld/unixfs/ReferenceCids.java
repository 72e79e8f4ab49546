package io.ferry.ipld.unixfs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The rows of {@code reference-cids.tsv}, written by make-reference-cids.mjs. */
record ReferenceCids(String profile, String name, long bytes, String cid, String tool) {
  static List<ReferenceCids> load() {
    List<ReferenceCids> rows = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                ReferenceCids.class.getResourceAsStream("/reference-cids.tsv"),
                "reference-cids.tsv is missing from the test resources");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        rows.add(new ReferenceCids(f[0], f[1], Long.parseLong(f[2]), f[3], f[4]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  static ReferenceCids find(String profile, String name) {
    return load().stream()
        .filter(r -> r.profile.equals(profile) && r.name.equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no reference row " + profile + " " + name));
  }

  @Override
  public String toString() {
    return profile + " " + name + " (" + bytes + " bytes)";
  }
}
