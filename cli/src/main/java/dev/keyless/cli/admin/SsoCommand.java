package dev.keyless.cli.admin;

import dev.keyless.cli.ExitCodes;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keyless admin sso show|configure|approve}: the OIDC provider the team trusts for its
 * admins. Settings take effect once a security admin of another owner approves them.
 */
@Command(
        name = "sso",
        description = "Single sign-on for the team's admins: show, configure (from a file; the client secret is"
                + " never shown again) and approve (a second security admin).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin sso configure -f sso.yaml",
            "  KEYLESS_ADMIN_TOKEN=$SECOND keyless admin sso approve",
            "  keyless admin sso show"
        })
public final class SsoCommand {
    @Command(
            name = "show",
            description = "Show the settings and whether they are approved (security admin or auditor).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin sso show --output json")
    int show(@Mixin AdminCall call) {
        call.show(call.call("GET", "/sso", null));
        return ExitCodes.OK;
    }

    @Command(
            name = "configure",
            description = "Set the provider from a YAML or JSON file: issuer, client_id, client_secret (optional),"
                    + " redirect_uri, roles_claim, roles {claim value: admin role}. Pending until approved.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin sso configure -f sso.yaml")
    int configure(
            @Mixin AdminCall call,
            @Option(
                            names = {"-f", "--file"},
                            required = true,
                            paramLabel = "FILE",
                            description = "YAML or JSON file with the settings (the request body of PUT /sso).")
                    Path file) {
        call.show(call.call("PUT", "/sso", SpecFiles.read(file)));
        return ExitCodes.OK;
    }

    @Command(
            name = "approve",
            description = "Put the pending settings into effect (a security admin other than their writer's owner).",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin sso approve")
    int approve(@Mixin AdminCall call) {
        call.show(call.call("POST", "/sso/approve", null));
        return ExitCodes.OK;
    }
}
