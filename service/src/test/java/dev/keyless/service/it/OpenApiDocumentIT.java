package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.protocol.ProblemType;
import io.micronaut.http.HttpMethod;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /openapi.yml} validates as OpenAPI 3 (swagger-parser), describes every route the
 * running service's router has, leaves out what the binders fill (admin, agent and workload
 * credentials are security schemes, not parameters), and documents every problem type.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentIT {
    RunningService service;
    String yaml;
    OpenAPI api;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        HttpResponse<String> r = Http.send("GET", service.uri().resolve("/openapi.yml"), Map.of(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/yaml");
        yaml = r.body();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml, null, options);
        assertThat(parsed.getMessages()).as("validation messages").isEmpty();
        api = parsed.getOpenAPI();
    }

    @AfterAll
    void stop() throws Exception {
        service.close();
    }

    @Test
    void everyRouteIsDescribed() {
        List<UriRouteInfo<?, ?>> routes = new ArrayList<>();
        service.context().getBean(Router.class).uriRoutes().forEach(routes::add);
        assertThat(routes).hasSizeGreaterThan(40);
        List<String> missing = new ArrayList<>();
        for (UriRouteInfo<?, ?> route : routes) {
            if (route.getHttpMethod() == HttpMethod.HEAD) {
                continue; // Micronaut adds HEAD to every GET route; HTTP implies it
            }
            String path = route.getUriMatchTemplate().toPathString();
            PathItem item = api.getPaths().get(path);
            if (item == null || operation(item, route.getHttpMethod()) == null) {
                missing.add(route.getHttpMethod() + " " + path);
            }
        }
        assertThat(missing).as("routes not in /openapi.yml").isEmpty();
    }

    @Test
    void boundCredentialsAreNotParameters() {
        assertThat(yaml)
                .doesNotContain("AdminPrincipal")
                .doesNotContain("AgentCall")
                .doesNotContain("WorkloadBearer")
                .doesNotContain("name: admin\n")
                .doesNotContain("name: call\n");
        assertThat(api.getComponents().getSecuritySchemes())
                .containsKeys("adminToken", "accessToken", "agentSignature", "metricsToken");
    }

    @Test
    void everyProblemTypeIsDocumented() {
        io.swagger.v3.oas.models.media.Schema<?> problem =
                api.getComponents().getSchemas().get("Problem");
        io.swagger.v3.oas.models.media.Schema<?> check = problem.getProperties().get("check");
        List<String> slugs = check.getEnum().stream().map(String::valueOf).toList();
        for (ProblemType type : ProblemType.values()) {
            assertThat(slugs).as("Problem.check enum").contains(type.slug());
            assertThat(api.getComponents().getResponses())
                    .as("components/responses")
                    .containsKey(type.slug());
            assertThat(api.getComponents().getResponses().get(type.slug()).getDescription())
                    .startsWith(type.status() + " ");
        }
    }

    private static Object operation(PathItem item, HttpMethod method) {
        return switch (method) {
            case GET -> item.getGet();
            case POST -> item.getPost();
            case PUT -> item.getPut();
            case DELETE -> item.getDelete();
            case PATCH -> item.getPatch();
            case HEAD -> item.getHead();
            case OPTIONS -> item.getOptions();
            default -> null;
        };
    }
}
