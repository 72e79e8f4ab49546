package io.ferry.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.engine.Manager;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.selector.Selectors;
import io.ferry.server.retention.Purges;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /v1/channels}: open pull and push channels, list and show them, pause, resume, cancel,
 * restart, send a voucher, and purge. Every answer that concerns one channel is its {@link
 * ChannelView} after the operation.
 */
final class ChannelEndpoints {
  private static final Logger log = LoggerFactory.getLogger(ChannelEndpoints.class);

  /** How long a listing waits for the read model to catch up before it answers 503. */
  static final Duration CATCH_UP_WAIT = Duration.ofSeconds(5);

  private final NodeBackend node;
  private final Replies replies;

  ChannelEndpoints(NodeBackend node, Replies replies) {
    this.node = node;
    this.replies = replies;
  }

  List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(HttpMethods.POST, "/v1/channels/pull", true, p -> pull()),
        new Endpoint(HttpMethods.POST, "/v1/channels/push", true, p -> push()),
        new Endpoint(HttpMethods.GET, "/v1/channels", true, p -> list()),
        new Endpoint(HttpMethods.GET, "/v1/channels/{id}", true, p -> show(p.get("id"))),
        new Endpoint(HttpMethods.DELETE, "/v1/channels/{id}", true, p -> purge(p.get("id"))),
        new Endpoint(HttpMethods.POST, "/v1/channels/purge", true, p -> purgeMany()),
        action("pause", Manager::pauseDataTransferChannel),
        action("resume", Manager::resumeDataTransferChannel),
        action("cancel", Manager::closeDataTransferChannel),
        new Endpoint(
            HttpMethods.POST, "/v1/channels/{id}/restart", true, p -> restart(p.get("id"))),
        new Endpoint(
            HttpMethods.POST, "/v1/channels/{id}/voucher", true, p -> voucher(p.get("id"))),
        new Endpoint(
            HttpMethods.GET, "/v1/channels/{id}/payments", true, p -> payments(p.get("id"))));
  }

  private Route pull() {
    return entity(
        replies.body(ApiRequests.Pull.class),
        req ->
            open(
                required(req.from(), "from"),
                req.root(),
                req.selector(),
                req.voucher(),
                (m, a) -> m.openPullDataChannel(a.peer, a.voucher, a.root, a.selector)));
  }

  private Route push() {
    return entity(
        replies.body(ApiRequests.Push.class),
        req ->
            open(
                required(req.to(), "to"),
                req.root(),
                req.selector(),
                req.voucher(),
                (m, a) -> m.openPushDataChannel(a.peer, a.voucher, a.root, a.selector)));
  }

  /** What an open request resolved to. */
  private record Open(PeerId peer, Object voucher, Cid root, Selector selector) {}

  private Route open(
      String address,
      String root,
      JsonNode selector,
      ApiRequests.Voucher voucher,
      BiFunction<Manager, Open, CompletionStage<ChannelId>> opener) {
    Cid cid = parseCid(required(root, "root"));
    Selector sel = parseSelector(selector);
    Object v =
        voucher == null
            ? null
            : node.voucher(required(voucher.type(), "voucher.type"), voucher.value());
    CompletionStage<ChannelState> opened =
        node.connect(address)
            .thenCompose(peer -> opener.apply(node.manager(), new Open(peer, v, cid, sel)))
            .thenCompose(id -> node.manager().channelState(id));
    return onSuccess(
        opened,
        state ->
            replies.status(
                StatusCodes.CREATED,
                List.of(Location.create("/v1/channels/" + state.channelId())),
                view(state)));
  }

  private Route list() {
    return parameterOptional(
        "status",
        status ->
            parameterOptional(
                "peer",
                peer ->
                    parameterOptional(
                        "active",
                        active ->
                            parameterOptional(
                                "limit",
                                limit ->
                                    parameterOptional(
                                        "after",
                                        after ->
                                            list(
                                                status.map(ChannelEndpoints::parseStatus),
                                                peer.map(ChannelEndpoints::parsePeer),
                                                active.map(Boolean::parseBoolean).orElse(false),
                                                limit.map(ChannelEndpoints::parseLimit),
                                                after.map(ListCursor::parse)))))));
  }

  /** Most channels one page of a listing holds. */
  static final int MAX_LIMIT = 10_000;

  /**
   * The channels the filters keep, oldest first; with {@code limit}, a page of at most that many
   * after {@code after} (where the previous page ended), and a {@code Link: <...>; rel="next"}
   * header naming the next page while there is one. Gateway fetches follow the channels, on the
   * last page.
   */
  private Route list(
      Optional<Status> st,
      Optional<PeerId> pe,
      boolean onlyActive,
      Optional<Integer> limit,
      Optional<ListCursor> after) {
    java.util.function.Predicate<ChannelState> keep =
        s ->
            (st.isEmpty() || s.status() == st.get())
                && (pe.isEmpty() || s.otherPeer().equals(pe.get()))
                && (!onlyActive || !s.status().isEnding())
                && (after.isEmpty() || after.get().isBefore(s));
    return onSuccess(
        whileJournalUp(() -> whenCaughtUp(() -> node.channels(keep))),
        all -> {
          List<ChannelState> page = ListCursor.oldestFirst(all, limit.orElse(Integer.MAX_VALUE));
          boolean more = page.size() < all.size();
          List<Object> items = new java.util.ArrayList<>(page);
          if (!more) {
            items.addAll(
                FetchViews.matching(
                    node.fetches(),
                    st,
                    pe.isPresent(),
                    onlyActive,
                    node.manager().peerId().toString()));
          }
          List<org.apache.pekko.http.javadsl.model.HttpHeader> headers =
              more
                  ? List.of(
                      org.apache.pekko.http.javadsl.model.headers.RawHeader.create(
                          "Link",
                          "<"
                              + nextPage(limit.get(), page.get(page.size() - 1), st, pe, onlyActive)
                              + ">; rel=\"next\""))
                  : List.of();
          return replies.okArray(
              headers, items, item -> item instanceof ChannelState s ? listed(s) : item);
        });
  }

  private static String nextPage(
      int limit, ChannelState last, Optional<Status> st, Optional<PeerId> pe, boolean onlyActive) {
    return "/v1/channels?limit="
        + limit
        + "&after="
        + ListCursor.of(last)
        + st.map(s -> "&status=" + s).orElse("")
        + pe.map(p -> "&peer=" + p).orElse("")
        + (onlyActive ? "&active=true" : "");
  }

  private static int parseLimit(String text) {
    try {
      int n = Integer.parseInt(text.strip());
      if (n >= 1 && n <= MAX_LIMIT) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException(
        "limit must be a whole number from 1 to " + MAX_LIMIT + ", not \"" + text + "\"");
  }

  private Route show(String id) {
    if (id.startsWith("fetch-")) {
      return node.fetches().stream()
          .filter(r -> r.id().equals(id))
          .findFirst()
          .map(r -> replies.ok(FetchViews.view(r, node.manager().peerId().toString())))
          .orElseGet(
              () ->
                  replies.error(
                      StatusCodes.NOT_FOUND,
                      "not-found",
                      "no gateway fetch " + id + " on this node"));
    }
    ChannelId cid = parseChannelId(id);
    return onSuccess(
        whileJournalUp(() -> node.channel(cid))
            .thenCompose(
                s -> node.dataWarning(s).thenApply(w -> view(s).withDataWarning(w.orElse(null)))),
        v -> replies.ok(v));
  }

  /**
   * Runs a read of channels unless the journal is known to be unreachable, and names the journal
   * when a read fails while it is: the answer is then 503 {@code journal-unavailable} at once,
   * where reads used to wait out their timeouts (504) during a PostgreSQL outage.
   */
  private <T> CompletionStage<T> whileJournalUp(
      java.util.function.Supplier<CompletionStage<T>> read) {
    Optional<String> down = journalDown();
    if (down.isPresent()) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new JournalUnavailableException(down.get()));
    }
    return read.get()
        .exceptionallyCompose(
            e ->
                java.util.concurrent.CompletableFuture.failedFuture(
                    journalDown()
                        .<Throwable>map(JournalUnavailableException::new)
                        .orElse(Replies.unwrap(e))));
  }

  /**
   * Runs a listing once the node's read model caught up with the journal, waiting {@link
   * #CATCH_UP_WAIT} at most (the tail since its checkpoint takes less); after that, or when the
   * model cannot read the journal, fails with {@link ChannelsCatchingUpException} (503) saying how
   * far it got. The listing used to wait for the whole replay, and the node's start with it.
   */
  private <T> CompletionStage<T> whenCaughtUp(
      java.util.function.Supplier<CompletionStage<T>> read) {
    if (node.channelsCatchingUp().isEmpty()) {
      return read.get();
    }
    return node.channelsCaughtUp()
        .toCompletableFuture()
        .thenApply(ok -> true)
        .exceptionally(e -> false)
        .completeOnTimeout(false, CATCH_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(
            caughtUp ->
                caughtUp
                    ? read.get()
                    : java.util.concurrent.CompletableFuture.failedFuture(
                        new ChannelsCatchingUpException(
                            node.channelsCatchingUp().orElse("it has just caught up"))));
  }

  private Optional<String> journalDown() {
    return Optional.ofNullable(node.readiness().detail().get("journal"));
  }

  /**
   * What this node paid for the channel; 404 naming why when it paid nothing for it (an unknown
   * channel is 404 as everywhere else).
   */
  private Route payments(String id) {
    ChannelId cid = parseChannelId(id);
    return node.payments(cid)
        .map(replies::ok)
        .orElseGet(
            () ->
                onSuccess(
                    node.manager().channelState(cid),
                    s ->
                        replies.error(
                            StatusCodes.NOT_FOUND,
                            "no-payments",
                            "this node made no payments for channel "
                                + cid
                                + (node.paymentBudget().isEmpty()
                                    ? ": it has no payment budget (ferry.payments.budget)"
                                    : ": it is not a paid pull this node opened, or no payment"
                                        + " began yet"))));
  }

  private Route purge(String id) {
    ChannelId cid = parseChannelId(id);
    return onSuccess(node.purge(cid), v -> replies.ok(Map.of("purged", cid.toString())));
  }

  /**
   * Purges the channels named, or every ended one, several at a time ({@link Purges}): one request
   * where a client used to send one {@code DELETE} per channel. Answers 200 with the channels
   * purged and, for each one that was not, the error its own {@code DELETE} would have answered.
   */
  private Route purgeMany() {
    return entity(
        replies.body(ApiRequests.Purge.class),
        req -> {
          boolean terminal = Boolean.TRUE.equals(req.terminal());
          List<String> ids = req.ids() == null ? List.of() : req.ids();
          if (terminal == !ids.isEmpty()) {
            throw new IllegalArgumentException(
                "give \"ids\": [channel IDs] or \"terminal\": true, not both");
          }
          CompletionStage<List<ChannelId>> targets =
              terminal
                  ? whileJournalUp(
                          () -> whenCaughtUp(() -> node.channels(s -> s.status().isTerminal())))
                      .thenApply(
                          ended ->
                              ended.stream()
                                  .sorted(ListCursor.ORDER)
                                  .map(ChannelState::channelId)
                                  .toList())
                  : java.util.concurrent.CompletableFuture.completedFuture(
                      ids.stream().map(ChannelEndpoints::parseChannelId).distinct().toList());
          return onSuccess(
              targets.thenCompose(t -> Purges.purge(node, t)),
              report -> replies.ok(purgeReport(report)));
        });
  }

  private static Map<String, Object> purgeReport(Purges.Report report) {
    List<Map<String, String>> failed = new java.util.ArrayList<>();
    report
        .failed()
        .forEach(
            (id, error) -> {
              Replies.ErrorKind kind = Replies.kindOf(error);
              if (kind.unexpected()) {
                log.warn("could not purge channel {}: {}", id, error.toString());
              }
              failed.add(
                  Map.of(
                      "id",
                      id.toString(),
                      "error",
                      kind.code(),
                      "detail",
                      Replies.detailOf(error)));
            });
    return Map.of(
        "purged", report.purged().stream().map(ChannelId::toString).toList(), "failed", failed);
  }

  private Endpoint action(
      String name, BiFunction<Manager, ChannelId, CompletionStage<Void>> operation) {
    return new Endpoint(
        HttpMethods.POST,
        "/v1/channels/{id}/" + name,
        true,
        p -> {
          ChannelId id = parseChannelId(p.get("id"));
          return afterwards(id, operation.apply(node.manager(), id));
        });
  }

  /**
   * Restarts a channel and answers with it and what the restart did, as the channel's {@link
   * RestartOutcome} says, waiting up to {@code wait} seconds (default 5, at most 60) for an attempt
   * it began to end. A channel that has ended cannot restart (409). Every operator restart is
   * logged with its outcome.
   */
  private Route restart(String id) {
    ChannelId cid = parseChannelId(id);
    return parameterOptional(
        "wait",
        wait ->
            onSuccess(
                node.manager()
                    .restartDataTransferChannel(cid, parseWait(wait.orElse("5")))
                    .thenCompose(
                        outcome -> {
                          if (outcome instanceof RestartOutcome.Ended) {
                            throw new CompletionException(
                                new IllegalStateException(
                                    "channel "
                                        + cid
                                        + " is "
                                        + ((RestartOutcome.Ended) outcome).status()
                                        + ": a channel that has ended cannot restart"));
                          }
                          RestartView restart = RestartView.of(outcome);
                          log.info(
                              "channel {}: restart asked by the operator: {}: {}",
                              cid,
                              restart.outcome(),
                              restart.detail());
                          return node.manager()
                              .channelState(cid)
                              .thenApply(state -> Map.entry(state, restart));
                        }),
                r -> {
                  Map<String, Object> body =
                      replies.json().convertValue(view(r.getKey()), new TypeReference<>() {});
                  body.put("restart", r.getValue());
                  return replies.ok(body);
                }));
  }

  /**
   * What a restart did, for the API: {@code outcome} names the case ({@code restarted}, {@code
   * failed}, {@code ended}, {@code nothing-to-restart} or {@code pending}), {@code detail} is the
   * channel's own sentence.
   */
  record RestartView(String outcome, String detail) {
    static RestartView of(RestartOutcome o) {
      String name;
      if (o instanceof RestartOutcome.Restarted) {
        name = "restarted";
      } else if (o instanceof RestartOutcome.AttemptFailed) {
        name = "failed";
      } else if (o instanceof RestartOutcome.EndedMeanwhile) {
        name = "ended";
      } else if (o instanceof RestartOutcome.AlreadyUnderWay) {
        name = "already-restarting";
      } else if (o instanceof RestartOutcome.NothingToRestart
          || o instanceof RestartOutcome.CleanupResumed) {
        name = "nothing-to-restart";
      } else {
        name = "pending"; // not answered within the wait
      }
      return new RestartView(name, o.describe());
    }
  }

  static Duration parseWait(String text) {
    try {
      double seconds = Double.parseDouble(text);
      if (seconds < 0 || seconds > 60 || Double.isNaN(seconds)) {
        throw new NumberFormatException();
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "wait must be a number of seconds from 0 to 60, was '" + text + "'");
    }
  }

  private Route voucher(String id) {
    ChannelId cid = parseChannelId(id);
    return entity(
        replies.body(ApiRequests.Voucher.class),
        body -> {
          Object v = node.voucher(required(body.type(), "type"), body.value());
          return afterwards(cid, node.manager().sendVoucher(cid, v));
        });
  }

  /** Answers with the channel's state once {@code done} completes. */
  private Route afterwards(ChannelId id, CompletionStage<Void> done) {
    return onSuccess(
        done.thenCompose(v -> node.manager().channelState(id)), s -> replies.ok(view(s)));
  }

  private ChannelView listed(ChannelState s) {
    return ChannelView.listed(s, replies.json(), node)
        .withHost(node.hostOf(s.channelId()).orElse(null));
  }

  private ChannelView view(ChannelState s) {
    return ChannelView.of(s, replies.json(), node)
        .withHost(node.hostOf(s.channelId()).orElse(null));
  }

  // ---- parsing, with errors that name the value ----

  static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("missing '" + field + "'");
    }
    return value;
  }

  static ChannelId parseChannelId(String text) {
    try {
      return ChannelId.parse(text);
    } catch (IllegalArgumentException e) {
      String why = e.getMessage();
      throw new IllegalArgumentException(
          why != null && why.contains("'" + text + "'")
              ? why
              : "not a channel ID: '" + text + "' (" + why + ")",
          e);
    }
  }

  static Cid parseCid(String text) {
    try {
      return Cid.parse(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a CID: '" + text + "' (" + e.getMessage() + ")", e);
    }
  }

  static Selector parseSelector(JsonNode selector) {
    if (selector == null || selector.isNull()) {
      return Selectors.all();
    }
    try {
      return Selector.fromDagJson(selector.toString());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a selector: " + selector + " (" + e.getMessage() + ")", e);
    }
  }

  static Status parseStatus(String text) {
    for (Status s : Status.values()) {
      if (s.name().equalsIgnoreCase(text)) {
        return s;
      }
    }
    throw new IllegalArgumentException("not a channel status: '" + text + "'");
  }

  static PeerId parsePeer(String text) {
    return PeerId.parse(text);
  }
}
