package io.ferry.ipld.unixfs;

import io.ferry.ipld.codec.CodecException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The UnixFS {@code Data} protobuf carried in a dag-pb node's data field: the node's type, inline
 * bytes, the file size and each child's file size. Written the way the reference importers write
 * it: Type always; Data only when non-empty; filesize for files and raw nodes; one blocksizes entry
 * per child. Mode and mtime are read past and not kept.
 */
public record UnixFsData(
    Type type, byte[] data, long fileSize, List<Long> blockSizes, long fanout) {
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

  public static UnixFsData fileLeaf(byte[] data) {
    return new UnixFsData(Type.FILE, data, data.length, List.of(), 0);
  }

  public static UnixFsData fileParent(List<Long> blockSizes) {
    long total = 0;
    for (long s : blockSizes) {
      total += s;
    }
    return new UnixFsData(Type.FILE, null, total, blockSizes, 0);
  }

  public static UnixFsData directory() {
    return new UnixFsData(Type.DIRECTORY, null, 0, List.of(), 0);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + data.length + blockSizes.size() * 4);
    varintField(out, 1, type.ordinal());
    if (data.length > 0) {
      varint(out, (2 << 3) | 2);
      varint(out, data.length);
      out.writeBytes(data);
    }
    if (type == Type.FILE || type == Type.RAW) {
      varintField(out, 3, fileSize);
    }
    for (long size : blockSizes) {
      varintField(out, 4, size);
    }
    return out.toByteArray();
  }

  /** Reads a UnixFS Data message; fields may come in any order, as protobuf allows. */
  public static UnixFsData decode(byte[] bytes) {
    int[] pos = {0};
    Type type = null;
    byte[] data = null;
    long fileSize = 0;
    long fanout = 0;
    List<Long> blockSizes = new ArrayList<>();
    while (pos[0] < bytes.length) {
      long key = readVarint(bytes, pos);
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (wire == 0) {
        long v = readVarint(bytes, pos);
        switch (field) {
          case 1 -> {
            if (v < 0 || v >= Type.values().length) {
              throw fail("unknown type " + v);
            }
            type = Type.values()[(int) v];
          }
          case 3 -> fileSize = v;
          case 4 -> blockSizes.add(v);
          case 6 -> fanout = v;
          default -> {} // hashType, mode: not needed to read the data
        }
      } else if (wire == 2) {
        long length = readVarint(bytes, pos);
        if (length < 0 || length > bytes.length - pos[0]) {
          throw fail("field " + field + " runs past the end");
        }
        int start = pos[0];
        pos[0] += (int) length;
        if (field == 2) {
          data = Arrays.copyOfRange(bytes, start, pos[0]);
        } else if (field == 4) {
          int[] packed = {start};
          while (packed[0] < pos[0]) {
            blockSizes.add(readVarint(bytes, packed));
          }
        }
      } else if (wire == 5) {
        pos[0] += 4;
      } else if (wire == 1) {
        pos[0] += 8;
      } else {
        throw fail("unsupported wire type " + wire);
      }
    }
    if (type == null) {
      throw fail("no Type field");
    }
    if (pos[0] != bytes.length) {
      throw fail("truncated field");
    }
    return new UnixFsData(type, data, fileSize, blockSizes, fanout);
  }

  private static void varintField(ByteArrayOutputStream out, int field, long value) {
    varint(out, (long) field << 3);
    varint(out, value);
  }

  private static void varint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long readVarint(byte[] in, int[] pos) {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= in.length) {
        throw fail("varint runs past the end");
      }
      int b = in[pos[0]++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw fail("varint is too long");
  }

  private static CodecException fail(String reason) {
    return new CodecException("invalid UnixFS data: " + reason);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UnixFsData u
        && type == u.type
        && Arrays.equals(data, u.data)
        && fileSize == u.fileSize
        && blockSizes.equals(u.blockSizes)
        && fanout == u.fanout;
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
