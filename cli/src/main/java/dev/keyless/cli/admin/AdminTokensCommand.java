package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.client.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keyless admin tokens list|create|revoke|policy}: admin API tokens with a name, an expiry
 * and a last-used time. A token is minted for the calling admin only (whoever sees a token holds
 * it) and shown once.
 */
@Command(
        name = "tokens",
        description = "Admin API tokens: list them (never the token), mint one for yourself (shown once),"
                + " revoke one, show or set the team's lifetimes.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin tokens list",
            "  keyless admin tokens create deploy-bot --expires-in-seconds 86400",
            "  keyless admin tokens revoke tok_0123456789abcdef0123"
        })
public final class AdminTokensCommand {
    @Command(
            name = "list",
            description = "List tokens: a security admin or auditor sees the team's, another admin its own.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin tokens list --admin ops --output json")
    int list(
            @Mixin AdminCall call,
            @Option(names = "--admin", paramLabel = "NAME", description = "Only this admin's tokens.") String admin) {
        String query = admin == null ? "" : "?admin_name=" + AdminCall.encode(admin);
        call.show(
                call.call("GET", "/admin-tokens" + query, null),
                List.of("id", "name", "admin", "state", "expires_at", "last_used_at", "revoked_by"));
        return ExitCodes.OK;
    }

    @Command(
            name = "create",
            description = "Mint a token for the calling admin; prints it once: store it in a secret manager.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin tokens create nightly-apply --expires-in-seconds 604800 --output json")
    int create(
            @Mixin AdminCall call,
            @Parameters(paramLabel = "NAME", description = "The token's name, unique among your tokens.") String name,
            @Option(
                            names = "--expires-in-seconds",
                            paramLabel = "SECONDS",
                            description = "Lifetime (default: the team's default; at most the team's maximum).")
                    Long expiresIn) {
        ObjectNode body = Json.mapper().createObjectNode().put("name", name);
        if (expiresIn != null) {
            body.put("expires_in_seconds", expiresIn);
        }
        call.show(call.call("POST", "/admin-tokens", body));
        return ExitCodes.OK;
    }

    @Command(
            name = "revoke",
            description = "Revoke a token by id (a security admin any, another admin its own); refused from then on.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin tokens revoke tok_0123456789abcdef0123")
    int revoke(@Mixin AdminCall call, @Parameters(paramLabel = "ID", description = "The token's id.") String id) {
        call.show(call.call("POST", "/admin-tokens/" + AdminCall.encode(id) + "/revoke", null));
        return ExitCodes.OK;
    }

    @Command(
            name = "policy",
            description = "Show the team's token lifetimes, or set them (security admin) with both options.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin tokens policy --default-ttl-seconds 2592000 --max-ttl-seconds 7776000")
    int policy(
            @Mixin AdminCall call,
            @Option(names = "--default-ttl-seconds", paramLabel = "SECONDS", description = "Lifetime of a new token.")
                    Long defaultTtl,
            @Option(names = "--max-ttl-seconds", paramLabel = "SECONDS", description = "Longest lifetime allowed.")
                    Long maxTtl) {
        if (defaultTtl == null && maxTtl == null) {
            call.show(call.call("GET", "/admin-token-policy", null));
            return ExitCodes.OK;
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("default_ttl_seconds", defaultTtl);
        body.put("max_ttl_seconds", maxTtl);
        call.show(call.call("PUT", "/admin-token-policy", body));
        return ExitCodes.OK;
    }
}
