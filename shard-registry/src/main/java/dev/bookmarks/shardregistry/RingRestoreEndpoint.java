package dev.bookmarks.shardregistry;

import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.stereotype.Component;

/**
 * {@code POST /actuator/ringrestore}, for ring administrators only: when Redis holds a ring no trusted
 * key signed (a forged one, say), writes the last ring this registry trusted again above it, signed.
 * 200 with the new epoch; 409 when Redis holds a trusted ring or its epoch is behind this registry's
 * ring (the problem says what to do); 503 when this registry holds no trusted ring or Redis is away.
 */
@Component
@Endpoint(id = "ringrestore")
final class RingRestoreEndpoint {

    private final RingAdministration administration;

    RingRestoreEndpoint(RingAdministration administration) {
        this.administration = administration;
    }

    @WriteOperation
    Map<String, Object> restore() {
        return Map.of("epoch", administration.restore());
    }
}
