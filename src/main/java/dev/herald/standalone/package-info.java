/** The standalone launcher: Tyrus on a Grizzly listener of Herald's own (bind address, TLS), and its main class. */
package dev.herald.standalone;
