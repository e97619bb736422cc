/**
 * Service-level operations above any one team: creating teams ({@code POST /v1/teams}) and listing
 * them. Who may: the service operator, holding the token of {@code keyless.operator-token}
 * ({@code KEYLESS_OPERATOR_TOKEN}), or a security admin of the bootstrap team, the team whose
 * token the operator received when the service first started.
 */
package dev.keyless.service.operator;
