package io.ferry.ipld.trustless;

/** A content path names something its DAG does not have (a gateway answers 404). */
public final class PathNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PathNotFoundException(String message) {
    super(message);
  }
}
