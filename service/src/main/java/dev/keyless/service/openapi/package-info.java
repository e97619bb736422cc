/**
 * The service's HTTP contract as an OpenAPI 3 document, generated from the controllers at build
 * time by micronaut-openapi (with the problem catalogue merged from {@code src/main/openapi}), and
 * served at {@code GET /openapi.yml}.
 */
package dev.keyless.service.openapi;
