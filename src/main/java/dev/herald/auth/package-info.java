/** Token authentication: the {@code herald.bearer.<JWT>} subprotocol, verified with Nimbus JOSE+JWT. */
package dev.herald.auth;
