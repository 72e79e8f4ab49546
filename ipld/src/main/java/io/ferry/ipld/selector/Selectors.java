package io.ferry.ipld.selector;

import io.ferry.ipld.selector.Selector.ExploreAll;
import io.ferry.ipld.selector.Selector.ExploreRecursive;
import io.ferry.ipld.selector.Selector.ExploreRecursiveEdge;
import io.ferry.ipld.selector.Selector.Matcher;
import io.ferry.ipld.selector.Selector.RecursionLimit;

/** Selectors in common use. */
public final class Selectors {
  private Selectors() {}

  /**
   * The whole DAG: {@code ExploreRecursive(limit none, ExploreAll(ExploreRecursiveEdge))}, the
   * graphsync "all" selector, in dag-json {@code
   * {"R":{"l":{"none":{}},":>":{"a":{">":{"@":{}}}}}}}.
   */
  public static Selector all() {
    return new ExploreRecursive(
        new ExploreAll(new ExploreRecursiveEdge()), new RecursionLimit.None());
  }

  /** The root block only: a matcher. */
  public static Selector root() {
    return new Matcher();
  }

  /** Every node down to {@code depth} levels, the root being level one. */
  public static Selector depth(long depth) {
    return new ExploreRecursive(
        new ExploreAll(new ExploreRecursiveEdge()), new RecursionLimit.Depth(depth));
  }
}
