/**
 * The {@code withWorkloadSsh} Pipeline step: Jenkins glue only (credentials, remoting, body
 * invocation, console masking). Every decision and network call is in {@code keyless-client}.
 */
package dev.keyless.jenkins;
