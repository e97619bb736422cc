/** Target servers: address, port and the labels policies select on. */
package dev.keyless.service.server;
