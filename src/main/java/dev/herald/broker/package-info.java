/**
 * The broker seam: per-room order (offset and epoch), history, and delivery of published messages to the nodes
 * that have members. {@link dev.herald.broker.MemoryBroker} serves one node with nothing to install.
 */
package dev.herald.broker;
