package io.ferry.ipld.store;

/**
 * A block store could not read or write (disk full, I/O error, corrupt database). The message names
 * the operation, the store and the cause; a failed write leaves no part of its blocks behind.
 */
public final class BlockStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BlockStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
