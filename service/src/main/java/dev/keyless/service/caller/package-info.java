/**
 * Who is calling, as a controller receives it: {@link dev.keyless.service.caller.AdminPrincipal},
 * the admin that {@code admin}'s authentication filter put on the request, and
 * {@link dev.keyless.service.caller.PathTeam}, the team a {@code /v1/teams/{team}/...} path names.
 * Every feature's controllers take an admin, and {@code admin} itself records its changes in
 * {@code audit}; with the principal here, {@code audit}'s own controllers need nothing of
 * {@code admin}, so the two depend one way. Uses only {@code problem}.
 */
package dev.keyless.service.caller;
