package dev.keyless.service.operator;

import dev.keyless.protocol.AdminRequests.MasterKeyResealed;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;

/**
 * The re-seal step of a master-key rotation, for the operator: run it once every replica holds the
 * new key as current and the old one as previous (service README, "Master key rotation").
 */
@Controller("/v1/operator/master-key")
final class MasterKeyController {
    private final MasterKeyOperations operations;

    MasterKeyController(MasterKeyOperations operations) {
        this.operations = operations;
    }

    @Post("/reseal")
    MasterKeyResealed reseal(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return operations.reseal(authorization);
    }
}
