/**
 * The admin console's pages, served by the service itself (no CDN, no external request): so far
 * the sign-in page and the signed-in landing page with logout. The governance pages are not built
 * yet; the admin API accepts the console session in their place.
 */
package dev.keyless.service.console;
