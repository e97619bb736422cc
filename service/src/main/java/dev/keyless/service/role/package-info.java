/** Workload roles: claim conditions over a connection's tokens, naming the Unix user wl_role. */
package dev.keyless.service.role;
