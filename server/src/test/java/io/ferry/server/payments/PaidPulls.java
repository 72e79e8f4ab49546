package io.ferry.server.payments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelState;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.PaidRetrievalTypes;
import io.ferry.validators.paid.RetrievalPayment;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.paid.RetrievalResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** What the payment tests share: node configurations, the expected payments, decoded vouchers. */
final class PaidPulls {
  private PaidPulls() {}

  private static final VoucherCodec CODEC = VoucherCodec.standard();

  /** A responder selling at {@code terms}. */
  static Config seller(PaidRetrievalTerms terms) {
    return ConfigFactory.parseMap(
        Map.of(
            "ferry.validators.settings.paid-retrieval.price-per-byte", terms.pricePerByte(),
            "ferry.validators.settings.paid-retrieval.payment-interval", terms.paymentInterval(),
            "ferry.validators.settings.paid-retrieval.payment-interval-increase",
                terms.paymentIntervalIncrease(),
            "ferry.validators.settings.paid-retrieval.unseal-price", terms.unsealPrice()),
        "seller");
  }

  /**
   * A provider of {@code terms} that extends {@code credit} to a peer, for blocks up to {@code
   * largestBlock}.
   */
  static Config sellerOnCredit(PaidRetrievalTerms terms, long credit, long largestBlock) {
    return seller(terms)
        .withFallback(
            ConfigFactory.parseMap(
                Map.of(
                    "ferry.validators.settings.paid-retrieval.credit-per-peer", credit,
                    "ferry.validators.settings.paid-retrieval.largest-block", largestBlock)));
  }

  /** A client with a payment budget. */
  static Config buyer(long budget) {
    // Pays only when the responder asks, so that payments follow the terms' schedule exactly
    // (paying
    // ahead, the default, adds payments whose timing depends on when progress is reported).
    return ConfigFactory.parseMap(
        Map.of("ferry.payments.budget", budget, "ferry.payments.pay-ahead", false), "buyer");
  }

  /** A node that neither sells nor pays by itself. */
  static Config bystander() {
    return ConfigFactory.empty("bystander");
  }

  /**
   * The cumulative amounts the terms ask for when the DAG under {@code root} is pulled, in order,
   * worked out from the block sizes in traversal order: the unseal price first (if any), then one
   * payment each time the sender holds before a block that would cross the data limit (for the
   * bytes sent, the limit lowered to them; paid, it rises by the next intervals until it covers the
   * block) or reaches the limit exactly, and a final payment for whatever was sent after the last
   * one.
   */
  static List<Long> expectedPayments(BlockStore store, Cid root, PaidRetrievalTerms terms) {
    List<Long> payments = new ArrayList<>();
    if (terms.unsealPrice() > 0) {
      payments.add(terms.unsealPrice());
    }
    long limit = terms.interval(0);
    long granted = 1;
    long sent = 0;
    for (Block block : Traversal.walk(store, root, Selectors.all()).toList()) {
      long size = block.data().length;
      if (sent + size > limit) {
        // held before the block that would cross the limit: what was sent is paid for, then the
        // limit covers the block
        long owed = terms.owedFor(sent);
        if (payments.isEmpty() || payments.get(payments.size() - 1) < owed) {
          payments.add(owed);
          limit = sent; // the limit comes down to the bytes sent until they are paid for
        }
        while (limit < sent + size) {
          limit += terms.interval(granted++);
        }
      }
      sent += size;
      if (sent == limit) {
        payments.add(terms.owedFor(sent));
        limit += terms.interval(granted++);
      }
    }
    long total = terms.owedFor(sent);
    if (payments.isEmpty() || payments.get(payments.size() - 1) < total) {
      payments.add(total);
    }
    return payments;
  }

  /**
   * The cumulative amounts of the payment vouchers a channel's state keeps: the latest only (since
   * issue 19 the state keeps the opening voucher and the latest; {@link PaidNode#vouchers} has them
   * all).
   */
  static List<Long> paymentsOn(ChannelState state) {
    return paymentsIn(state.vouchers());
  }

  /** The cumulative amounts of the payment vouchers among {@code vouchers}, in order. */
  static List<Long> paymentsIn(List<TypedVoucher> vouchers) {
    return vouchers.stream()
        .filter(v -> v.type().equals(PaidRetrievalTypes.PAYMENT.id()))
        .map(PaidPulls::claim)
        .collect(Collectors.toList());
  }

  static long claim(TypedVoucher voucher) {
    RetrievalPayment payment = CODEC.decode(voucher.bytes(), RetrievalPayment.class);
    return CODEC.decode(payment.voucher().terms(), PaymentClaim.class).cumulativeAmount();
  }

  /** The paid-retrieval voucher result a channel's state keeps (the latest), decoded. */
  static List<RetrievalResult> results(ChannelState state) {
    return resultsIn(state.voucherResults());
  }

  /** The paid-retrieval voucher results among {@code results}, decoded, in order. */
  static List<RetrievalResult> resultsIn(List<TypedVoucher> results) {
    return results.stream()
        .filter(v -> v.type().equals(PaidRetrievalTypes.RESULT.id()))
        .map(v -> CODEC.decode(v.bytes(), RetrievalResult.class))
        .collect(Collectors.toList());
  }

  /** The channel's last paid-retrieval voucher result. */
  static RetrievalResult lastResult(ChannelState state) {
    List<RetrievalResult> all = results(state);
    if (all.isEmpty()) {
      throw new AssertionError("no paid-retrieval result on " + state.channelId());
    }
    return all.get(all.size() - 1);
  }

  /** The file under {@code root}, exported from {@code store}. */
  static byte[] export(BlockStore store, Cid root) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new UnixFsExporter(store).exportFile(root, out);
    return out.toByteArray();
  }
}
