package dev.bookmarks.shardregistry.console;

import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.security.web.servlet.ApplicationContextRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.context.WebApplicationContext;

/**
 * Matches what its delegate matches, but only on the management port: when that port is a different one, a request
 * to the public port never matches, as Boot's {@code EndpointRequest} matchers do. So the console's paths name no
 * request on the public port, whose security refuses everything.
 */
final class ManagementPortRequestMatcher extends ApplicationContextRequestMatcher<WebApplicationContext> {

    private final RequestMatcher delegate;

    ManagementPortRequestMatcher(RequestMatcher delegate) {
        super(WebApplicationContext.class);
        this.delegate = delegate;
    }

    @Override
    protected boolean ignoreApplicationContext(WebApplicationContext context) {
        return ManagementPortType.get(context.getEnvironment()) == ManagementPortType.DIFFERENT
                && !hasServerNamespace(context, WebServerNamespace.MANAGEMENT.getValue());
    }

    @Override
    protected boolean matches(HttpServletRequest request, Supplier<WebApplicationContext> context) {
        return delegate.matches(request);
    }

    @Override
    public String toString() {
        return "on the management port: " + delegate;
    }
}
