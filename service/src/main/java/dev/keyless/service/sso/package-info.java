/**
 * Single sign-on for admins: the OIDC provider a team trusts for its admins (configured by one
 * security admin, approved by another), and the console sign-in through it (authorization code
 * with PKCE, discovery, state and nonce checked), which ends in an admin's console session.
 */
package dev.keyless.service.sso;
