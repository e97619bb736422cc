/**
 * The Keyless GitHub Action: {@link dev.keyless.action.ActionMain} reads the inputs, requests the
 * job's OIDC token, opens a {@link dev.keyless.client.job.KeylessJob}, runs the {@code run} input
 * through the chosen shell with the job's SSH environment, writes outputs and the step summary, and
 * closes the job inside the step (composite actions have no post step).
 */
package dev.keyless.action;
