package dev.keyless.service.secrets;

import dev.keyless.protocol.SecretRequests.CreateFolder;
import dev.keyless.protocol.SecretRequests.DestroyVersions;
import dev.keyless.protocol.SecretRequests.FolderList;
import dev.keyless.protocol.SecretRequests.FolderView;
import dev.keyless.protocol.SecretRequests.PutSecret;
import dev.keyless.protocol.SecretRequests.SecretList;
import dev.keyless.protocol.SecretRequests.SecretRef;
import dev.keyless.protocol.SecretRequests.SecretView;
import dev.keyless.protocol.SecretRequests.VersionList;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

/** The admin calls on folders and secrets; no route here returns a value. */
@Controller("/v1/teams/{team}")
final class SecretAdminController {
    private final SecretAdminService secrets;

    SecretAdminController(SecretAdminService secrets) {
        this.secrets = secrets;
    }

    @Post("/secret-folders")
    HttpResponse<FolderView> createFolder(String team, AdminPrincipal admin, @Body CreateFolder request) {
        return HttpResponse.created(secrets.createFolder(admin, request));
    }

    @Get("/secret-folders")
    FolderList folders(String team, AdminPrincipal admin) {
        return new FolderList(secrets.folders(admin));
    }

    @Delete("/secret-folders")
    HttpResponse<Void> deleteFolder(String team, AdminPrincipal admin, @Nullable @QueryValue String path) {
        secrets.deleteFolder(admin, path);
        return HttpResponse.noContent();
    }

    @Post("/secrets")
    HttpResponse<SecretView> put(String team, AdminPrincipal admin, @Body PutSecret request) {
        return HttpResponse.created(secrets.put(admin, request));
    }

    @Get("/secrets/metadata")
    SecretList list(String team, AdminPrincipal admin, @Nullable @QueryValue String path) {
        return new SecretList(secrets.list(admin, path));
    }

    @Get("/secrets/versions")
    VersionList versions(
            String team, AdminPrincipal admin, @Nullable @QueryValue String path, @Nullable @QueryValue String name) {
        return secrets.versions(admin, path, name);
    }

    @Post("/secrets/versions/destroy")
    VersionList destroy(String team, AdminPrincipal admin, @Body DestroyVersions request) {
        return secrets.destroy(admin, request);
    }

    @Post("/secrets/delete")
    SecretView delete(String team, AdminPrincipal admin, @Body SecretRef request) {
        return secrets.delete(admin, request);
    }

    @Post("/secrets/undelete")
    SecretView undelete(String team, AdminPrincipal admin, @Body SecretRef request) {
        return secrets.undelete(admin, request);
    }
}
