package dev.keyless.service.openapi;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.info.License;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.annotations.security.SecuritySchemes;

/** The document's header and the credentials its operations take; the operations come from the controllers. */
@OpenAPIDefinition(
        info =
                @Info(
                        title = "Keyless",
                        version = "1",
                        description =
                                "Governed exchange of CI platforms' OIDC tokens for short-lived access tokens and "
                                        + "one-session OpenSSH certificates. Every error is an RFC 7807 problem "
                                        + "(application/problem+json) whose `check` is one of the slugs of the Problem schema; "
                                        + "components/responses lists each with its status and title.",
                        license = @License(name = "Proprietary")))
@SecuritySchemes({
    @SecurityScheme(
            name = "adminToken",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            description = "An admin token kla_… of the path's team"),
    @SecurityScheme(
            name = "accessToken",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            bearerFormat = "JWT",
            description = "A Keyless access token from POST /v1/teams/{team}/workload/authenticate"),
    @SecurityScheme(
            name = "agentSignature",
            type = SecuritySchemeType.APIKEY,
            in = SecuritySchemeIn.HEADER,
            paramName = "Authorization",
            description = "KeylessAgent <JWS over method, path and query, body digest, iat, exp, jti>"),
    @SecurityScheme(
            name = "metricsToken",
            type = SecuritySchemeType.HTTP,
            scheme = "bearer",
            description = "The scrape token KEYLESS_METRICS_TOKEN")
})
final class ApiDefinition {
    private ApiDefinition() {}
}
