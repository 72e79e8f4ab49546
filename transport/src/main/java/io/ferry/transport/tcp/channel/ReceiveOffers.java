package io.ferry.transport.tcp.channel;

import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.transport.tcp.frame.Frame;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;

/**
 * The CIDs a sender offered to a receiving channel, page by page: each page is looked up in the
 * store (on a blocking thread, one page at a time, in order) and answered with a {@link
 * Frame.Have}; the channel then asks, index by index, which CID comes and whether it is held.
 */
public final class ReceiveOffers {
  /** What the offers tell their channel. */
  public interface Owner {
    /** A page was looked up and answered: the channel may move on. */
    void checked();

    void offersFailed(String why);
  }

  /** The offered CID at an index and whether this node holds it. */
  public record Entry(Cid cid, boolean held) {}

  private record Page(Frame.Offer offer, BitSet held) {
    long end() {
      return offer.firstIndex() + offer.cids().size();
    }
  }

  private final SessionIo io;
  private final Owner owner;
  private final Deque<Frame.Offer> unchecked = new ArrayDeque<>();
  private final Deque<Page> pages = new ArrayDeque<>();
  private boolean checking;
  private long next;
  private int generation;

  public ReceiveOffers(SessionIo io, Owner owner) {
    this.io = io;
    this.owner = owner;
  }

  /** Forgets all offers; the next must start at {@code index}. */
  public void reset(long index) {
    generation++;
    unchecked.clear();
    pages.clear();
    checking = false;
    next = index;
  }

  /** Takes an offer for channel reference {@code ref}; false (owner told) if out of order. */
  public boolean add(Frame.Offer offer, long ref) {
    if (offer.firstIndex() != next) {
      owner.offersFailed(
          "the sender offered CIDs from index "
              + offer.firstIndex()
              + " but the next offer should start at "
              + next);
      return false;
    }
    next = offer.firstIndex() + offer.cids().size();
    unchecked.add(offer);
    check(ref);
    return true;
  }

  private void check(long ref) {
    if (checking || unchecked.isEmpty()) {
      return;
    }
    Frame.Offer offer = unchecked.poll();
    checking = true;
    int mine = generation;
    io.blocking(
        () -> {
          BitSet held = new BitSet(offer.cids().size());
          for (int i = 0; i < offer.cids().size(); i++) {
            Cid c = offer.cids().get(i);
            if (c.multihash().code() == Multicodec.IDENTITY || io.store().has(c)) {
              held.set(i);
            }
          }
          return held;
        },
        (held, error) -> {
          if (mine != generation) {
            return;
          }
          checking = false;
          if (error != null) {
            owner.offersFailed("cannot look up offered blocks: " + SendChannel.message(error));
            return;
          }
          io.control(new Frame.Have(ref, offer.firstIndex(), offer.cids().size(), held));
          pages.add(new Page(offer, held));
          check(ref);
          owner.checked();
        });
  }

  /** What was offered at {@code index}, or null if that page is not answered yet. */
  public Entry at(long index) {
    while (!pages.isEmpty() && pages.peek().end() <= index) {
      pages.poll();
    }
    Page p = pages.peek();
    if (p == null || p.offer().firstIndex() > index) {
      return null;
    }
    int i = (int) (index - p.offer().firstIndex());
    return new Entry(p.offer().cids().get(i), p.held().get(i));
  }

  /** Whether every offer received has been looked up. */
  public boolean allChecked() {
    return unchecked.isEmpty() && !checking;
  }
}
