package dev.keyless.service.downloads;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.types.files.StreamedFile;
import java.util.List;
import java.util.Map;

/**
 * {@code /downloads/}: the service's own clients, anonymous (they are public programs; what makes
 * a download trustworthy is the TLS connection to the service and the digest, not who asks).
 */
@Controller("/downloads")
final class DownloadsController {
    private final ClientDownloads downloads;

    DownloadsController(ClientDownloads downloads) {
        this.downloads = downloads;
    }

    /** One entry per client present; a 404 problem when none is. */
    @Get("/")
    Map<String, Object> list() {
        List<Download> present = downloads.available();
        if (present.isEmpty()) {
            throw ClientDownloads.unavailable();
        }
        return Map.of(
                "version",
                downloads.version(),
                "files",
                present.stream()
                        .map(d -> Map.of(
                                "name", d.name(),
                                "size", d.size(),
                                "sha256", d.sha256(),
                                "url", "/downloads/" + d.name()))
                        .toList(),
                "sha256sums",
                "/downloads/SHA256SUMS");
    }

    @Get("/SHA256SUMS")
    @Produces(MediaType.TEXT_PLAIN)
    String sha256sums() {
        return downloads.sha256sums();
    }

    @Get("/{name}")
    HttpResponse<?> file(String name, @Nullable @Header(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        Download download = downloads.get(name);
        if (download.etag().equals(ifNoneMatch)) {
            return HttpResponse.status(HttpStatus.NOT_MODIFIED).header(HttpHeaders.ETAG, download.etag());
        }
        StreamedFile body = new StreamedFile(downloads.open(download), download.mediaType(), 0, download.size());
        return HttpResponse.ok(body)
                .header(HttpHeaders.ETAG, download.etag())
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + download.name() + "\"");
    }
}
