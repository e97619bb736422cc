/**
 * The service's own short-lived access tokens: Ed25519 key material, issuing, verifying, and telling
 * an access token apart from a platform token. Generation checks against the database belong to the
 * caller.
 */
package dev.keyless.service.accesstoken;
