package io.ferry.persistence.blocks;

/**
 * What {@link LevelDbBlockStore#reclaimSpace} did: {@code segmentsDeleted} value-log segments
 * deleted, {@code bytesFreed} bytes of segment files with them, after {@code blocksMoved} live
 * bodies ({@code bytesMoved} bytes with their record headers) were appended again at the log's
 * head. The disk gained {@code bytesFreed - bytesMoved}.
 */
public record Reclaimed(int segmentsDeleted, long bytesFreed, int blocksMoved, long bytesMoved) {
  /** Space given back to the file system. */
  public long netBytes() {
    return bytesFreed - bytesMoved;
  }
}
