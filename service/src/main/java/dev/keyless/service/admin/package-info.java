/**
 * Admins of a team, their hashed tokens and console sessions, and the filter that authenticates
 * them per request; the principal it produces lives in {@code caller}.
 */
package dev.keyless.service.admin;
