/**
 * The whole job flow for integrations: {@link dev.keyless.client.job.KeylessJob} from platform
 * token to cleanup, with {@link dev.keyless.client.job.JobSpec} in and {@link
 * dev.keyless.client.job.ServerAccess} out.
 */
package dev.keyless.client.job;
