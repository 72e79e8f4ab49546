package io.ferry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry push}: send a DAG from the running node's block store to a peer. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    description = {
      "Pushes the DAG under CID from the running node's block store to a peer, showing progress,",
      "and waits for the end (import the data first with 'ferry import').",
      "Exit code: 0 completed, 1 failed or cancelled (the reason is printed), 2 bad input,",
      "3 no node running."
    })
public final class PushCommand extends TransferCommand {
  @Option(
      names = "--to",
      required = true,
      paramLabel = "MULTIADDR",
      description = "The peer to push to: /ip4/HOST/tcp/PORT/p2p/PEERID.")
  String to;

  @Override
  String verb() {
    return "push";
  }

  @Override
  String peerField() {
    return "to";
  }

  @Override
  String peer() {
    return to;
  }
}
