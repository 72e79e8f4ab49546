/**
 * The node's channel engine wiring: the directory that reaches channels through sharding and keeps
 * the durable index of live channels in step, the router from transport callbacks to sharded
 * channel entities, the event hub that feeds subscribers without slowing channels, transfer ids,
 * and the answer to commands Pekko had to drop.
 */
package io.ferry.engine.wiring;
