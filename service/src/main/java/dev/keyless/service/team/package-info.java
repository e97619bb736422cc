/** Teams, the unit of tenancy, and the configuration version that keeps replica caches honest. */
package dev.keyless.service.team;
