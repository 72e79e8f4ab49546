package io.ferry.ipld.traversal;

import io.ferry.ipld.Cid;

/** A block offered to a traversal that is not the one it needs next. */
public final class UnexpectedBlockException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Cid expected;
  private final transient Cid actual;

  public UnexpectedBlockException(Cid expected, Cid actual, long index) {
    super(
        "unexpected block at index "
            + index
            + ": expected "
            + (expected == null ? "no more blocks (traversal is done)" : expected.toString())
            + ", got "
            + actual);
    this.expected = expected;
    this.actual = actual;
  }

  /** The CID the traversal needed, or null if it was done. */
  public Cid expected() {
    return expected;
  }

  public Cid actual() {
    return actual;
  }
}
