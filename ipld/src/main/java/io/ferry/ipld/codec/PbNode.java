package io.ferry.ipld.codec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A dag-pb node: links, then optional data. {@code data} is null when the node has no Data field,
 * which is not the same as an empty one (the two encode, and so hash, differently).
 */
public record PbNode(List<PbLink> links, byte[] data) {
  public PbNode {
    links = List.copyOf(Objects.requireNonNull(links, "links"));
  }

  public boolean hasData() {
    return data != null;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PbNode other
        && links.equals(other.links)
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return links.hashCode() * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "PbNode[links="
        + links
        + ", data="
        + (data == null ? "absent" : data.length + " bytes")
        + "]";
  }
}
