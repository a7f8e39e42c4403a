package dev.bookmarks.gateway.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import java.text.ParseException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import reactor.core.publisher.Mono;

/**
 * The local profile with a development issuer: a token signed HS256 is a development token and goes to the
 * development key's decoder; any other (the issuer signs RS256) goes to the issuer's. Dispatch is by the token's
 * own header, but safely so: each decoder accepts only its own algorithm and checks its own {@code iss}, so a token
 * claiming the other algorithm is refused by the decoder it is sent to, never accepted by a weaker rule. A token
 * whose header cannot be read goes to the development decoder, which refuses it with Spring's usual error.
 */
final class DevOrIssuerTokenDecoder implements ReactiveJwtDecoder {

    private final ReactiveJwtDecoder development;
    private final ReactiveJwtDecoder issuer;

    DevOrIssuerTokenDecoder(ReactiveJwtDecoder development, ReactiveJwtDecoder issuer) {
        this.development = development;
        this.issuer = issuer;
    }

    @Override
    public Mono<Jwt> decode(String token) {
        return isHs256(token) ? development.decode(token) : issuer.decode(token);
    }

    private static boolean isHs256(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return true;
        }
        try {
            JWSHeader header = JWSHeader.parse(new Base64URL(token.substring(0, dot)));
            return JWSAlgorithm.HS256.equals(header.getAlgorithm());
        } catch (ParseException | RuntimeException e) {
            return true;
        }
    }
}
