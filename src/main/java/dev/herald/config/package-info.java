/** Herald's settings: every key, its default, and how flags, properties and the environment are layered. */
package dev.herald.config;
