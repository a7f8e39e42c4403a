package dev.bookmarks.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

class WebAppPropertiesTest {

    @Test
    void takesTheGatewaysTokenIssuerWhenTheAppNamesNone() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri", "https://login.example.com/realm");
        WebAppProperties properties = new WebAppProperties(true, null, "bookmarks-web", "openid profile");

        assertThat(WebAppConfiguration.issuer(properties, environment)).isEqualTo(URI.create("https://login.example.com/realm"));
        assertThat(WebAppConfiguration.issuer(new WebAppProperties(true, URI.create("https://idp.example.org"),
                "bookmarks-web", "openid"), environment)).isEqualTo(URI.create("https://idp.example.org"));
        assertThat(WebAppConfiguration.issuer(new WebAppProperties(false, null, "bookmarks-web", "openid"), environment))
                .isNull();
        assertThat(WebAppConfiguration.issuer(properties, new MockEnvironment())).isNull();
    }

    @Test
    void refusesAnIssuerThatIsNotAPlainHttpOrigin() {
        for (String issuer : new String[] {"javascript:alert(1)", "/relative", "https://user@idp.example.org",
                "https://idp.example.org/?q=1", "https://idp.example.org/#f", "ftp://idp.example.org"}) {
            assertThatThrownBy(() -> new WebAppProperties(true, URI.create(issuer), "bookmarks-web", "openid"))
                    .as(issuer).hasMessageContaining("absolute http(s) URI");
        }
    }

    @Test
    void refusesAClientIdOrScopeThatCouldBreakOutOfTheSettings() {
        assertThatThrownBy(() -> new WebAppProperties(true, null, "web\"app", "openid"))
                .hasMessageContaining("client-id must be 1 to 128 of [A-Za-z0-9._-]");
        assertThatThrownBy(() -> new WebAppProperties(true, null, "", "openid")).hasMessageContaining("client-id");
        assertThatThrownBy(() -> new WebAppProperties(true, null, "bookmarks-web", "openid  profile"))
                .hasMessageContaining("scope");
        assertThatThrownBy(() -> new WebAppProperties(true, null, "bookmarks-web", "openid <x>"))
                .hasMessageContaining("scope");
    }

    @Test
    void namesTheIssuersOriginAloneInTheContentSecurityPolicy() {
        String policy = WebAppConfiguration.headers(URI.create("https://Login.Example.com:8443/realms/x"))
                .getFirst("Content-Security-Policy");

        assertThat(policy).contains("connect-src 'self' https://Login.Example.com:8443;")
                .doesNotContain("/realms");
    }
}
