/**
 * The admin console's pages, served by the service itself (no CDN, no external request): the
 * sign-in page, the signed-in landing page with logout, and the Live sessions, Connections, Roles
 * and policies, Servers and Audit pages, whose frames this package renders (the larger ones from
 * {@code console/pages/*.html}) and {@code console.js} fills from the admin API with the session
 * cookie and the CSRF header.
 */
package dev.keyless.service.console;
