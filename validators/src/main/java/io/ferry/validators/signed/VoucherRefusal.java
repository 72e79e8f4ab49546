package io.ferry.validators.signed;

/**
 * Why a signed voucher was refused; sent back to the initiator inside the voucher result.
 *
 * @param reason the kind of problem
 * @param detail the specifics, e.g. which channel the voucher was for
 */
public record VoucherRefusal(Reason reason, String detail) {
  /** The kinds of problem a signed voucher can have. */
  public enum Reason {
    /** The voucher is for another purpose (its kind is not the one expected). */
    WRONG_KIND,
    /** The voucher names another channel. */
    OTHER_CHANNEL,
    /** The voucher is addressed to another peer. */
    OTHER_PEER,
    /** The counterparty's peer ID carries no Ed25519 key to check the signature with. */
    UNVERIFIABLE_SIGNER,
    /** The signature does not match the counterparty's key: forged or altered. */
    BAD_SIGNATURE,
    /** The voucher's expiry has passed. */
    EXPIRED,
    /** The nonce was already used on this channel. */
    REPLAYED_NONCE
  }

  /** {@code REASON: detail}. */
  public String message() {
    return reason + ": " + detail;
  }
}
