/**
 * Host agents: enrolment with one-time tokens and host certificates, signed agent requests, the
 * per-server event queue, and the provisioning, teardown and login reports agents send back.
 */
package dev.keyless.service.agent;
