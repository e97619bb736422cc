/**
 * Platform OIDC token sources ({@link dev.keyless.client.token.PlatformTokenSource}) and their
 * detection from the environment ({@link dev.keyless.client.token.TokenSources}).
 */
package dev.keyless.client.token;
