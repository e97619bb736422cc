/** The hash-chained audit trail: events written in the transaction of their change, chained after commit; queries and verification. */
package dev.keyless.service.audit;
