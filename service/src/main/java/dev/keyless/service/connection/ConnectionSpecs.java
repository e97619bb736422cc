package dev.keyless.service.connection;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.keyless.protocol.ConnectionRequests.ConnectionSpec;
import dev.keyless.protocol.Problem.FieldError;
import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.claims.InvalidConditionException;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.db.Json;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.platformtoken.ProviderPreset;
import dev.keyless.service.platformtoken.SigningAlgorithm;
import dev.keyless.service.platformtoken.VerificationSettings;
import dev.keyless.service.platformtoken.jwks.AddressRules;
import dev.keyless.service.platformtoken.jwks.InvalidProviderSettingsException;
import dev.keyless.service.platformtoken.jwks.IssuerEndpoints;
import dev.keyless.service.platformtoken.jwks.JwksLocation;
import dev.keyless.service.problem.KeylessException;
import jakarta.inject.Singleton;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Validates a connection spec, fills in the provider preset and defaults, and reports every error. */
@Singleton
final class ConnectionSpecs {
    static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256");
    static final int DEFAULT_MAX_TOKEN_AGE = 600;
    static final int MAX_MAX_TOKEN_AGE = 86_400;
    static final int DEFAULT_CLOCK_SKEW = 60;
    static final int MAX_CLOCK_SKEW = (int) VerificationSettings.MAX_CLOCK_SKEW.toSeconds();
    private static final int MAX_AUDIENCES = 20;
    private static final int MAX_PINNED_KEYS = 20;

    private final boolean allowPrivateAddresses;

    ConnectionSpecs(KeylessSettings settings) {
        this.allowPrivateAddresses = settings.jwksAllowPrivateAddresses();
    }

    ConnectionSettings normalize(ConnectionSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        String name = attempt(errors, () -> Names.connection("name", spec.name()));
        ProviderPreset preset = attempt(errors, () -> ProviderPreset.fromId(spec.provider()));
        String issuer = null;
        String jwksUri = null;
        String pinned = null;
        if (spec.jwks() != null) {
            pinned = attempt(errors, () -> pinnedKeys(spec.jwks()));
        }
        if (preset != null) {
            boolean pinnedKeys = spec.jwks() != null;
            IssuerEndpoints endpoints =
                    attempt(errors, () -> preset.resolve(spec.issuer(), pinnedKeys ? null : spec.jwksUri()));
            if (endpoints != null && !pinnedKeys && !allowPrivateAddresses) {
                // Only what the service fetches is judged: the issuer of pinned keys is a name.
                boolean explicit = spec.jwksUri() != null && !spec.jwksUri().isBlank();
                String field = explicit ? "jwks_uri" : "issuer";
                attempt(errors, () -> checkAddress(field, endpoints.jwks()));
            }
            if (endpoints != null) {
                issuer = endpoints.issuer();
                if (!pinnedKeys) {
                    jwksUri = endpoints.jwks() instanceof JwksLocation.Direct d
                            ? d.uri().toString()
                            : null;
                }
            } else if (pinnedKeys && spec.issuer() != null) {
                issuer = spec.issuer();
            }
        }
        List<String> audiences = audiences(errors, spec.audiences());
        List<String> algorithms = algorithms(errors, spec.algorithms());
        Map<String, Object> claims = spec.requiredClaims() == null ? Map.of() : spec.requiredClaims();
        attempt(errors, () -> ClaimConditions.parse(claims));
        int maxAge = bounded(
                errors,
                "max_token_age_seconds",
                spec.maxTokenAgeSeconds(),
                DEFAULT_MAX_TOKEN_AGE,
                1,
                MAX_MAX_TOKEN_AGE);
        int skew =
                bounded(errors, "clock_skew_seconds", spec.clockSkewSeconds(), DEFAULT_CLOCK_SKEW, 0, MAX_CLOCK_SKEW);
        if (!errors.isEmpty()) {
            throw KeylessException.invalid(errors);
        }
        return new ConnectionSettings(
                name,
                preset.id(),
                issuer,
                jwksUri,
                pinned,
                audiences,
                algorithms,
                claims,
                Duration.ofSeconds(maxAge),
                Duration.ofSeconds(skew));
    }

    private static Boolean checkAddress(String field, JwksLocation location) {
        AddressRules.checkLiteralHost(field, location.uri());
        return Boolean.TRUE;
    }

    private static List<String> audiences(List<FieldError> errors, List<String> given) {
        if (given == null || given.isEmpty()) {
            errors.add(new FieldError("audiences", "at least one audience is required"));
            return List.of();
        }
        if (given.size() > MAX_AUDIENCES) {
            errors.add(new FieldError("audiences", "at most " + MAX_AUDIENCES + " audiences"));
        }
        Set<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String a = given.get(i);
            if (a == null || a.isBlank() || a.length() > 512 || a.chars().anyMatch(Character::isISOControl)) {
                errors.add(new FieldError("audiences[" + i + "]", "must be 1 to 512 printable characters"));
            } else {
                unique.add(a);
            }
        }
        return List.copyOf(unique);
    }

    private static List<String> algorithms(List<FieldError> errors, List<String> given) {
        if (given == null) {
            return DEFAULT_ALGORITHMS;
        }
        if (given.isEmpty()) {
            errors.add(
                    new FieldError("algorithms", "list at least one algorithm, or leave it out for RS256 and ES256"));
        }
        Set<String> unique = new LinkedHashSet<>();
        for (int i = 0; i < given.size(); i++) {
            String alg = given.get(i);
            if (alg == null || SigningAlgorithm.fromJose(alg).isEmpty()) {
                errors.add(new FieldError(
                        "algorithms[" + i + "]",
                        "must be an asymmetric JWS algorithm, one of "
                                + Arrays.stream(SigningAlgorithm.values())
                                        .map(SigningAlgorithm::jose)
                                        .toList()));
            } else {
                unique.add(alg);
            }
        }
        return List.copyOf(unique);
    }

    /** Pasted keys: public asymmetric keys only; a private key in the paste is refused outright. */
    private static String pinnedKeys(Map<String, Object> jwks) {
        JWKSet set;
        try {
            set = JWKSet.parse(jwks);
        } catch (ParseException e) {
            throw new InvalidProviderSettingsException("jwks", "is not a valid JWK set");
        }
        if (set.getKeys().isEmpty() || set.getKeys().size() > MAX_PINNED_KEYS) {
            throw new InvalidProviderSettingsException("jwks", "must hold 1 to " + MAX_PINNED_KEYS + " keys");
        }
        for (JWK key : set.getKeys()) {
            if (key.isPrivate()) {
                throw new InvalidProviderSettingsException(
                        "jwks", "holds private key material; paste only the public keys");
            }
            if (key.getKeyType() == null || "oct".equals(key.getKeyType().getValue())) {
                throw new InvalidProviderSettingsException("jwks", "may hold only RSA, EC or OKP public keys");
            }
        }
        return Json.write(set.toPublicJWKSet().toJSONObject());
    }

    private static int bounded(List<FieldError> errors, String field, Integer value, int dflt, int min, int max) {
        int v = value == null ? dflt : value;
        if (v < min || v > max) {
            errors.add(new FieldError(field, "must be between " + min + " and " + max));
            return dflt;
        }
        return v;
    }

    private static <T> T attempt(List<FieldError> errors, java.util.function.Supplier<T> validation) {
        try {
            return validation.get();
        } catch (InvalidNameException e) {
            errors.add(new FieldError(e.field(), e.getMessage()));
        } catch (InvalidProviderSettingsException e) {
            errors.add(new FieldError(e.field(), e.getMessage()));
        } catch (InvalidConditionException e) {
            errors.add(new FieldError("required_claims." + e.field(), e.getMessage()));
        }
        return null;
    }
}
