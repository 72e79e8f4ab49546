package io.ferry.ipld.traversal;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.Codecs;
import io.ferry.ipld.model.Node;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.store.BlockStore;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A depth-first selector traversal that runs one block at a time, in graphsync's order: the order
 * of go-ipld-prime's {@code traversal.WalkAdv} without {@code LinkVisitOnlyOnce}. The root block
 * comes first; inside a node, children are visited in node order (or in the selector's order for
 * explore-fields and explore-range), and a link the selector explores is loaded where it is met,
 * before the node's later children. A block reached through several paths is needed each time.
 * Identity-hash CIDs are not special: like go-graphsync since its fix for identity CIDs (they pass
 * through the link system as ordinary blocks), they are needed, and sent, as blocks.
 *
 * <p>A sender feeds blocks from its store ({@link #walk}); a receiver checks that each arriving
 * block is {@link #expectedNext()} and {@link #advance}s. To resume after a restart, advance over
 * the blocks already held.
 */
public final class Traversal {
  private final Deque<Frame> stack = new ArrayDeque<>();
  private Cid pendingCid;
  private Explorer pendingExplorer;
  private long index;

  private Traversal(Cid root, Explorer explorer) {
    this.pendingCid = root;
    this.pendingExplorer = explorer;
  }

  /** A traversal of {@code selector} from {@code root}; its first expected block is the root. */
  public static Traversal start(Cid root, Selector selector) {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(selector, "selector");
    return new Traversal(root, Explorer.of(selector));
  }

  /**
   * A traversal that has already advanced over the first {@code blocksHeld} blocks, taking them
   * from {@code store} (trusted, as a store's blocks are).
   */
  public static Traversal resume(BlockStore store, Cid root, Selector selector, long blocksHeld) {
    Traversal t = start(root, selector);
    while (t.index < blocksHeld) {
      Cid next =
          t.expectedNext()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "cannot resume after "
                              + blocksHeld
                              + " blocks: the traversal has only "
                              + t.index));
      t.advanceTrusted(load(store, next, t.index));
    }
    return t;
  }

  /** The CID of the next block the traversal needs; empty when it is done. */
  public Optional<Cid> expectedNext() {
    return Optional.ofNullable(pendingCid);
  }

  /**
   * Consumes the next block, which must be {@link #expectedNext()}; decodes it to learn its links
   * and moves on to the next link the selector explores.
   *
   * @throws UnexpectedBlockException if the block is not the one expected (nothing changes)
   * @throws io.ferry.ipld.codec.CodecException if the block cannot be decoded by its codec
   */
  public void advance(Block block) throws UnexpectedBlockException {
    if (pendingCid == null || !pendingCid.equals(block.cid())) {
      throw new UnexpectedBlockException(pendingCid, block.cid(), index);
    }
    advanceTrusted(block);
  }

  private void advanceTrusted(Block block) {
    Node node = Codecs.decode(block);
    Explorer explorer = pendingExplorer;
    pendingCid = null;
    pendingExplorer = null;
    index++;
    enter(node, explorer);
    run();
  }

  /** The number of blocks consumed so far. */
  public long index() {
    return index;
  }

  /** Whether every block the selector covers has been consumed. */
  public boolean isDone() {
    return pendingCid == null;
  }

  /**
   * The blocks of the traversal, taken from {@code store}, lazily and in order. A block the store
   * lacks ends the stream with a {@link MissingBlockException} naming its CID; identity-hash CIDs
   * need no stored block (their bytes are in the CID).
   */
  public static Stream<Block> walk(BlockStore store, Cid root, Selector selector) {
    Traversal t = start(root, selector);
    Spliterator<Block> blocks =
        new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED) {
          @Override
          public boolean tryAdvance(Consumer<? super Block> action) {
            Optional<Cid> next = t.expectedNext();
            if (next.isEmpty()) {
              return false;
            }
            Block block = load(store, next.get(), t.index);
            t.advanceTrusted(block);
            action.accept(block);
            return true;
          }
        };
    return StreamSupport.stream(blocks, false);
  }

  private static Block load(BlockStore store, Cid cid, long index) {
    Optional<Block> block = store.get(cid);
    if (block.isPresent()) {
      return block.get();
    }
    if (cid.multihash().code() == Multicodec.IDENTITY) {
      return Block.trusted(cid, cid.multihash().digest());
    }
    throw new MissingBlockException(cid, index);
  }

  private void enter(Node node, Explorer explorer) {
    if (node instanceof Node.MapNode || node instanceof Node.ListNode) {
      stack.push(new Frame(node, explorer));
    }
  }

  /** Walks children until a link must be loaded (pending) or the traversal is done. */
  private void run() {
    while (!stack.isEmpty()) {
      Frame frame = stack.peek();
      if (!frame.hasNext()) {
        stack.pop();
        continue;
      }
      String segment = frame.nextSegment();
      Node child = frame.currentChild;
      Explorer next = frame.explorer.explore(frame.node, segment);
      if (next == null) {
        continue;
      }
      if (child instanceof Node.LinkNode link) {
        pendingCid = link.cid();
        pendingExplorer = next;
        return;
      }
      enter(child, next);
    }
  }

  /** A map or list being walked: which children remain. */
  private static final class Frame {
    final Node node;
    final Explorer explorer;
    private final Iterator<String> segments;
    private Iterator<Map.Entry<String, Node>> entries;
    private Iterator<Node> items;
    private int itemIndex;
    private String nextSegment;
    private Node nextChild;
    Node currentChild;

    Frame(Node node, Explorer explorer) {
      this.node = node;
      this.explorer = explorer;
      List<String> interests = explorer.interests();
      this.segments = interests == null ? null : interests.iterator();
      if (interests == null) {
        if (node instanceof Node.MapNode m) {
          entries = m.entries().entrySet().iterator();
        } else {
          items = ((Node.ListNode) node).items().iterator();
        }
      }
    }

    boolean hasNext() {
      if (nextSegment != null) {
        return true;
      }
      if (segments != null) {
        while (segments.hasNext()) {
          String s = segments.next();
          Optional<Node> child = node.lookup(s);
          if (child.isPresent()) {
            nextSegment = s;
            nextChild = child.get();
            return true;
          }
          if (node instanceof Node.ListNode l && isIndexPast(s, l)) {
            return false;
          }
        }
        return false;
      }
      if (entries != null && entries.hasNext()) {
        Map.Entry<String, Node> e = entries.next();
        nextSegment = e.getKey();
        nextChild = e.getValue();
        return true;
      }
      if (items != null && items.hasNext()) {
        nextChild = items.next();
        nextSegment = Integer.toString(itemIndex++);
        return true;
      }
      return false;
    }

    String nextSegment() {
      String s = nextSegment;
      currentChild = nextChild;
      nextSegment = null;
      nextChild = null;
      return s;
    }

    /** Explore-range interests are ascending: past the end of the list, none can match. */
    private boolean isIndexPast(String segment, Node.ListNode list) {
      if (!(explorer instanceof Explorer.Range)
          && !(explorer instanceof Explorer.Recursive r && r.current() instanceof Explorer.Range)) {
        return false;
      }
      try {
        return Long.parseLong(segment) >= list.items().size();
      } catch (NumberFormatException e) {
        return false;
      }
    }
  }
}
