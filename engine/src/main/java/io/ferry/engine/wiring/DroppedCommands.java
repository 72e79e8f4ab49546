package io.ferry.engine.wiring;

import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelReply;
import java.lang.reflect.Method;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Answers every channel command that Pekko had to drop (a channel's stash was full) with a refusal,
 * so no caller is left waiting for an answer that will never come.
 */
public final class DroppedCommands {
  private DroppedCommands() {}

  public static Behavior<Dropped> create() {
    return Behaviors.receiveMessage(
        dropped -> {
          Object message = unwrap(dropped.message());
          if (message instanceof ChannelCommand.WithReply c) {
            c.replyTo()
                .tell(
                    new ChannelReply.Refusal(
                        "the channel is too busy and dropped the command ("
                            + dropped.reason()
                            + "); try again"));
          }
          return Behaviors.same();
        });
  }

  /** The persistence internals wrap a command before stashing it; find the command inside. */
  private static Object unwrap(Object message) {
    if (message instanceof ChannelCommand) {
      return message;
    }
    try {
      Method c = message.getClass().getMethod("c");
      return c.invoke(message);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return message;
    }
  }
}
