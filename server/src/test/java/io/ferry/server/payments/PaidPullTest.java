package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.Subscriber;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.Manager;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.ClientAccount;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Paid pulls over the in-JVM network, and what only needs one transport to show. */
class PaidPullTest extends PaidPullContract {
  @Override
  TestNetwork network() {
    return TestNetwork.local();
  }

  @Test
  void aPaidChannelThatEndedWhileThePayerWasNotListeningIsSettledOnTheNextStart() throws Exception {
    responder();
    client(BUDGET).start();
    int size = 2 << 20;
    ImportResult dag = TestDags.file(responder.store, size, CHUNK, 64);
    long expectedCost = TERMS.owedFor(dag.dagSize());
    ChannelId id =
        client
            .payer
            .openPaidPull(responder.id(), TERMS, dag.root(), Selectors.all(), dag.dagSize())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    client.awaitState(id, "the unseal price paid", s -> PaidPulls.paymentsOn(s).size() >= 1);
    assertThat(client.payer.balance().reserved()).isPositive();
    // The payer stops listening (as if the node died between the channel's end and the ledger's).
    client.payer.close();
    client.node.closeDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    client.await(id, Status.Cancelled);
    client.stop();

    client.start();

    ClientAccount account = client.payer.account(id).orElseThrow();
    assertThat(account.endedAs()).isEqualTo(Status.Cancelled);
    assertThat(account.reserved()).as("the whole file was reserved").isEqualTo(expectedCost);
    assertThat(client.payer.balance().reserved()).isZero();
    assertThat(client.payer.balance().spent()).isEqualTo(account.issued());
    assertThat(client.payer.balance().available()).isEqualTo(BUDGET - account.issued());
  }

  @Test
  void theWholeFileIsReservedEvenWhenTheChannelsFirstEventComesAfterTheOpen() throws Exception {
    // The payer learns of its channel from the node's events; the open's own answer can come
    // first. It then still reserves what the pull was opened for, not only the unseal price.
    responder();
    CountDownLatch release = new CountDownLatch(1);
    client(BUDGET).withPayerView(node -> eventsHeldUntil(node, release)).start();
    ImportResult dag = TestDags.file(responder.store, 2 << 20, CHUNK, 65);

    ChannelId id =
        client
            .payer
            .openPaidPull(responder.id(), TERMS, dag.root(), Selectors.all(), dag.dagSize())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    release.countDown();

    Poll.until(
        Duration.ofSeconds(30),
        "the payer's reservation",
        () -> client.payer.account(id).map(a -> a.reserved() > 0).orElse(false));
    assertThat(client.payer.account(id).orElseThrow().reserved())
        .as("reserved for the whole file, not only the unseal price")
        .isEqualTo(TERMS.owedFor(dag.dagSize()));
  }

  /**
   * {@code node} as the payer sees it: its events are held until {@code release}, then replayed.
   */
  private static Manager eventsHeldUntil(Manager node, CountDownLatch release) {
    return (Manager)
        Proxy.newProxyInstance(
            Manager.class.getClassLoader(),
            new Class<?>[] {Manager.class},
            (proxy, method, args) -> {
              if (method.getName().equals("subscribeToEvents")) {
                Subscriber real = (Subscriber) args[0];
                ExecutorService held =
                    Executors.newSingleThreadExecutor(
                        r -> {
                          Thread t = new Thread(r, "held-payer-events");
                          t.setDaemon(true);
                          return t;
                        });
                Subscriber holding =
                    (event, state) ->
                        held.execute(
                            () -> {
                              try {
                                release.await(30, TimeUnit.SECONDS);
                              } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                              }
                              real.onEvent(event, state);
                            });
                return node.subscribeToEvents(holding);
              }
              try {
                return method.invoke(node, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
