/**
 * The transfer channel's model: identities ({@link io.ferry.channels.PeerId}, {@link
 * io.ferry.channels.ChannelId}), the lifecycle {@link io.ferry.channels.Status} and {@link
 * io.ferry.channels.EventCode}, the immutable {@link io.ferry.channels.ChannelState}, and what
 * subscribers receive. Plain Java: no actors here.
 */
package io.ferry.channels;
