/**
 * The delivery engine: frames encoded once, bounded per-connection outbound queues with one write in flight,
 * batched writes, fan-out, writer threads and the slow-consumer policies. Plain Java, no container classes.
 */
package dev.herald.delivery;
