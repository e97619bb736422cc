/**
 * The write-time name grammars: every name that can later reach a Unix user name, a file name, a
 * certificate or sudoers ({@link dev.keyless.service.name.Names}), secret folders and names, IP
 * literals, and {@link dev.keyless.service.name.InvalidNameException}, the rejection they all throw.
 * Pure and framework-free but for the one handler that maps the rejection; every feature may use
 * it, and it uses none.
 */
package dev.keyless.service.name;
