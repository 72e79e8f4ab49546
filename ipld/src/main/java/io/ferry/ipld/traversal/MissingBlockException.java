package io.ferry.ipld.traversal;

import io.ferry.ipld.Cid;

/** A traversal needed a block its store does not hold. */
public final class MissingBlockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Cid cid;

  public MissingBlockException(Cid cid, long index) {
    super("block " + cid + " is missing from the store (needed as block " + index + ")");
    this.cid = cid;
  }

  public MissingBlockException(Cid cid) {
    super("block " + cid + " is missing from the store");
    this.cid = cid;
  }

  public Cid cid() {
    return cid;
  }
}
