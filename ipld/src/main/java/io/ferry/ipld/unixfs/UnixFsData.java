package io.ferry.ipld.unixfs;

import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.codec.Protobuf;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UnixFS {@code Data} protobuf carried in a dag-pb node's data field: the node's type, inline
 * bytes, the file size and each child's file size. Written the way the reference importers write
 * it: Type always; Data only when non-empty; filesize for files and raw nodes; one blocksizes entry
 * per child; hashType and fanout for HAMT shards. Mode and mtime are read past and not kept.
 *
 * @param hashType the multihash code a HAMT shard places names by (0x22, murmur3-x64-64); 0
 *     otherwise
 */
public record UnixFsData(
    Type type, byte[] data, long fileSize, List<Long> blockSizes, long fanout, long hashType) {
  /** The UnixFS node types, numbered as in unixfs.proto. */
  public enum Type {
    RAW,
    DIRECTORY,
    FILE,
    METADATA,
    SYMLINK,
    HAMT_SHARD
  }

  public UnixFsData {
    data = data == null ? new byte[0] : data;
    blockSizes = List.copyOf(blockSizes);
  }

  /** A node that is not a HAMT shard. */
  public UnixFsData(Type type, byte[] data, long fileSize, List<Long> blockSizes, long fanout) {
    this(type, data, fileSize, blockSizes, fanout, 0);
  }

  /** One node of a HAMT-sharded directory: which of its {@code fanout} slots are used. */
  public static UnixFsData hamtShard(byte[] bitfield, long fanout) {
    return new UnixFsData(Type.HAMT_SHARD, bitfield, 0, List.of(), fanout, Murmur3.X64_64);
  }

  /** A file leaf holding {@code data} inline (dag-pb leaves of the classic profile). */
  public static UnixFsData fileLeaf(byte[] data) {
    return new UnixFsData(Type.FILE, data, data.length, List.of(), 0);
  }

  /** An inner file node over children of {@code blockSizes} content bytes each. */
  public static UnixFsData fileParent(List<Long> blockSizes) {
    long total = 0;
    for (long s : blockSizes) {
      total += s;
    }
    return new UnixFsData(Type.FILE, null, total, blockSizes, 0);
  }

  /** A plain (unsharded) directory. */
  public static UnixFsData directory() {
    return new UnixFsData(Type.DIRECTORY, null, 0, List.of(), 0);
  }

  /** The protobuf bytes, field for field as the reference importers write them. */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + data.length + blockSizes.size() * 4);
    Protobuf.varintField(out, 1, type.ordinal());
    if (data.length > 0) {
      Protobuf.bytesField(out, 2, data);
    }
    if (type == Type.FILE || type == Type.RAW) {
      Protobuf.varintField(out, 3, fileSize);
    }
    for (long size : blockSizes) {
      Protobuf.varintField(out, 4, size);
    }
    if (type == Type.HAMT_SHARD) {
      Protobuf.varintField(out, 5, hashType);
      Protobuf.varintField(out, 6, fanout);
    }
    return out.toByteArray();
  }

  /**
   * Reads a UnixFS Data message; fields may come in any order, as protobuf allows.
   *
   * @throws CodecException naming the byte offset and what is wrong
   */
  public static UnixFsData decode(byte[] bytes) {
    Protobuf.Reader r = new Protobuf.Reader(bytes, "UnixFS data");
    Type type = null;
    byte[] data = null;
    long fileSize = 0;
    long fanout = 0;
    long hashType = 0;
    List<Long> blockSizes = new ArrayList<>();
    while (r.hasMore()) {
      long key = r.varint();
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (wire == Protobuf.VARINT && field == 1) {
        long v = r.varint();
        if (v < 0 || v >= Type.values().length) {
          throw r.fail("unknown type " + v);
        }
        type = Type.values()[(int) v];
      } else if (wire == Protobuf.VARINT && field == 3) {
        fileSize = r.varint();
      } else if (wire == Protobuf.VARINT && field == 4) {
        blockSizes.add(r.varint());
      } else if (wire == Protobuf.VARINT && field == 5) {
        hashType = r.varint();
      } else if (wire == Protobuf.VARINT && field == 6) {
        fanout = r.varint();
      } else if (wire == Protobuf.LEN && field == 2) {
        data = r.bytes();
      } else if (wire == Protobuf.LEN && field == 4) {
        Protobuf.Reader packed = r.embedded("UnixFS blocksizes");
        while (packed.hasMore()) {
          blockSizes.add(packed.varint());
        }
      } else {
        r.skip(wire); // mode, mtime: not needed to read the data
      }
    }
    if (type == null) {
      throw r.fail("no Type field");
    }
    return new UnixFsData(type, data, fileSize, blockSizes, fanout, hashType);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnixFsData u
        && type == u.type
        && Arrays.equals(data, u.data)
        && fileSize == u.fileSize
        && blockSizes.equals(u.blockSizes)
        && fanout == u.fanout
        && hashType == u.hashType;
  }

  @Override
  public int hashCode() {
    return type.hashCode() * 31 + Arrays.hashCode(data) + Long.hashCode(fileSize);
  }

  @Override
  public String toString() {
    return "UnixFsData[" + type + ", " + data.length + " data bytes, filesize " + fileSize + "]";
  }
}
