package dev.keyless.service.openapi;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /openapi.yml}: the document built with this jar. Public, like the contract it
 * describes; it names no team, connection or setting.
 */
@Controller
final class OpenApiController {
    static final String RESOURCE = "META-INF/swagger/keyless-1.yml";

    private final byte[] document;

    OpenApiController() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: the build did not run micronaut-openapi");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Operation(summary = "This document (OpenAPI 3)")
    @Get("/openapi.yml")
    @Produces("application/yaml")
    byte[] document() {
        return document;
    }
}
