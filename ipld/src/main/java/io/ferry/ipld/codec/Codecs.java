package io.ferry.ipld.codec;

import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.model.Node;

/** Decoding a block into the data model by the codec its CID names. */
public final class Codecs {
  private Codecs() {}

  /** Whether {@link #decode} handles {@code codec}. */
  public static boolean isSupported(long codec) {
    return codec == Multicodec.DAG_PB
        || codec == Multicodec.DAG_CBOR
        || codec == Multicodec.RAW
        || codec == Multicodec.DAG_JSON;
  }

  /**
   * The block's bytes in the data model: dag-pb as {@link DagPb#toNode}, dag-cbor, dag-json, and
   * raw as a single bytes node. Failures name the block's CID.
   */
  public static Node decode(Block block) {
    long codec = block.cid().codec();
    try {
      if (codec == Multicodec.DAG_PB) {
        return DagPb.toNode(DagPb.decode(block.data()));
      } else if (codec == Multicodec.DAG_CBOR) {
        return DagCbor.decode(block.data());
      } else if (codec == Multicodec.RAW) {
        return new Node.BytesNode(block.data());
      } else if (codec == Multicodec.DAG_JSON) {
        return DagJson.decode(block.data());
      }
    } catch (CodecException e) {
      throw new CodecException("block " + block.cid() + ": " + e.getMessage(), e);
    }
    throw new CodecException(
        "block "
            + block.cid()
            + " has codec "
            + Multicodec.name(codec)
            + ", which Ferry cannot decode");
  }
}
