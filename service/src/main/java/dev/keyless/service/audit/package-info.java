/** The hash-chained audit trail: group-committed appends, queries and chain verification. */
package dev.keyless.service.audit;
