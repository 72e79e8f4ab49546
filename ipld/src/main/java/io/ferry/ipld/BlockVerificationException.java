package io.ferry.ipld;

/** Bytes that do not hash to the CID they were offered under. */
public final class BlockVerificationException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Cid expected;
  private final transient Cid actual;

  public BlockVerificationException(Cid expected, Cid actual) {
    super("block does not match its CID: expected " + expected + ", bytes hash to " + actual);
    this.expected = expected;
    this.actual = actual;
  }

  public Cid expected() {
    return expected;
  }

  public Cid actual() {
    return actual;
  }
}
