package dev.gantry.security;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;

/**
 * Who the caller is (this chain) and what it may do (the chain for the operator endpoints; {@link
 * ProjectAccessInterceptor} for the API, which needs the handler to know the project and role).
 *
 * <p>Keys only ever come in the {@code Authorization} header, never a query parameter, which
 * would end up in access logs and browser histories. No sessions and no cookies, so no CSRF.
 */
@Configuration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
class SecurityConfiguration {

    // blob: images are samples and previews fetched with the key; inline styles are uPlot's.
    static final String DASHBOARD_CSP = "default-src 'self'; script-src 'self'; connect-src 'self'; "
            + "img-src 'self' blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";

    static final Caller LOCAL = new Caller(null, "local-only", Projects.DEFAULT_ID, Role.OWNER);

    @Bean
    SecurityFilterChain api(HttpSecurity http, ApiKeyService keys, SecurityProperties settings, Environment env)
            throws Exception {
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(ProblemResponses.unauthorized())
                        .accessDeniedHandler(ProblemResponses.forbidden()))
                // The dashboard keeps its key in sessionStorage, where any injected script could
                // read it: its pages may run only their own scripts and talk only to this origin.
                .headers(h -> h.addHeaderWriter(new DelegatingRequestMatcherHeaderWriter(
                        new OrRequestMatcher(
                                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/"),
                                PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, "/index.html")),
                        new StaticHeadersWriter("Content-Security-Policy", DASHBOARD_CSP))));
        if (settings.localOnly()) {
            // Every request is the local owner; LocalOnlyBinding keeps the port on loopback.
            http.anonymous(a -> a.principal(LOCAL).authorities(List.of(new SimpleGrantedAuthority("ROLE_OWNER"))))
                    .authorizeHttpRequests(a -> a.anyRequest().permitAll());
            return http.build();
        }
        AuthenticationFilter filter = new AuthenticationFilter(
                new ProviderManager(new ApiKeyAuthenticationProvider(keys)), SecurityConfiguration::bearer);
        filter.setSuccessHandler((request, response, authentication) -> {});
        filter.setFailureHandler(ProblemResponses.failure());
        boolean separateManagementPort = separateManagementPort(env);
        http.addFilterBefore(filter, AnonymousAuthenticationFilter.class).authorizeHttpRequests(a -> {
            a.requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info")
                    .permitAll();
            if (separateManagementPort) {
                // The management port is the boundary: expose it to the monitoring network only.
                a.requestMatchers("/actuator/**").permitAll();
            } else {
                a.requestMatchers("/actuator/**").hasRole(Role.OWNER.name());
            }
            a.requestMatchers("/error", "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**")
                    .permitAll();
            // The dashboard's own files hold no data: the page asks for a key and sends it to /api
            // like any other client, so everything it shows stays behind the rules below.
            a.requestMatchers(HttpMethod.GET, "/", "/index.html", "/favicon.svg", "/assets/**", "/webjars/**")
                    .permitAll()
                    .anyRequest()
                    .authenticated();
        });
        return http.build();
    }

    /**
     * No header: no authentication attempted (the rules then answer 401 where a key is needed).
     * A header that is not a well-formed bearer key is refused here, before any lookup.
     */
    private static ApiKeyAuthentication bearer(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new BadCredentialsException("not a bearer token");
        }
        String secret = header.substring(7).trim();
        if (!KeySecrets.wellFormed(secret)) {
            throw new BadCredentialsException("malformed key");
        }
        return ApiKeyAuthentication.unauthenticated(secret);
    }

    /** Boot's own reading of {@code management.server.port} (0 is a port of its own, random). */
    static boolean separateManagementPort(Environment env) {
        return ManagementPortType.get(env) == ManagementPortType.DIFFERENT;
    }
}
