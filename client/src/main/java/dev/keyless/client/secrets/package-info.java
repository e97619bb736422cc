/** Secrets for a job: bindings of secrets to environment variables, revealed with the access token. */
package dev.keyless.client.secrets;
