package io.ferry.channels.testing;

import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/** Real UnixFS DAGs of pseudo-random bytes, imported into a block store, for tests. */
public final class TestDags {
  private TestDags() {}

  /** A profile with small chunks, so a file of a few hundred KiB makes dozens of blocks. */
  public static UnixFsProfile chunks(int chunkSize) {
    return new UnixFsProfile(
        "test-" + chunkSize,
        1,
        true,
        chunkSize,
        174,
        UnixFsProfile.DirectoryEstimate.BLOCK_BYTES,
        262_144);
  }

  /** The bytes a file of {@code size} made from {@code seed} holds. */
  public static byte[] content(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** Imports {@code size} pseudo-random bytes into {@code store} in chunks of {@code chunkSize}. */
  public static ImportResult file(BlockStore store, int size, int chunkSize, long seed) {
    BlockSink sink = BlockSink.batching(store, 4L << 20);
    try {
      ImportResult result =
          new UnixFsImporter(chunks(chunkSize), sink)
              .importFile(new ByteArrayInputStream(content(size, seed)));
      sink.flush();
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
