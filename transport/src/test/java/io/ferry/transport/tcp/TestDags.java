package io.ferry.transport.tcp;

import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

/** Generated UnixFS files for transport tests. */
public final class TestDags {
  private TestDags() {}

  public static byte[] randomBytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Imports {@code content} into {@code store} with small chunks so the DAG has many blocks. */
  public static ImportResult importFile(BlockStore store, byte[] content, int chunkSize)
      throws IOException {
    UnixFsProfile profile =
        new UnixFsProfile(
            "test", 1, true, chunkSize, 16, UnixFsProfile.DirectoryEstimate.BLOCK_BYTES, 262_144);
    BlockSink sink = BlockSink.batching(store, 4 << 20);
    ImportResult r =
        new UnixFsImporter(profile, sink).importFile(new ByteArrayInputStream(content));
    sink.flush();
    return r;
  }

  /** A CID of content nobody holds (for requests that never move data). */
  public static Cid someCid() {
    return Cid.sha256(io.ferry.ipld.Multicodec.RAW, new byte[] {42});
  }

  public static byte[] export(BlockStore store, Cid root) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new UnixFsExporter(store).exportFile(root, out);
    return out.toByteArray();
  }
}
