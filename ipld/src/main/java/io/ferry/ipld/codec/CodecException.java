package io.ferry.ipld.codec;

/** Bytes or text that are not a valid (canonical) encoding in an IPLD codec. */
public final class CodecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CodecException(String message) {
    super(message);
  }

  public CodecException(String message, Throwable cause) {
    super(message, cause);
  }
}
