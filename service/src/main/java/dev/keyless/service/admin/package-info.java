/** Admins of a team, their hashed tokens, and the binder that authenticates them per request. */
package dev.keyless.service.admin;
