/** HTTP beside the WebSocket endpoints, the same on every runtime: {@code /metrics} and {@code /health}. */
package dev.herald.api;
