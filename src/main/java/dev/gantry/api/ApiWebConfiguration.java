package dev.gantry.api;

import dev.gantry.job.FieldError;
import dev.gantry.job.InvalidRequestException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.accept.HeaderContentNegotiationStrategy;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.ContentNegotiationConfigurer;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Request rules Spring MVC does not apply by itself: {@code q=0} is a refusal, and an empty query value is an error. */
@Configuration(proxyBeanMethods = false)
class ApiWebConfiguration implements WebMvcConfigurer {

    @Override
    public void configureContentNegotiation(ContentNegotiationConfigurer configurer) {
        configurer.strategies(List.of(new RefusalAwareAcceptStrategy()));
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new EmptyQueryValues()).addPathPatterns("/api/**");
    }

    /**
     * RFC 9110 §12.4.2: {@code q=0} means "not acceptable". Spring matches a media type whatever its
     * quality, so {@code Accept: application/json;q=0} still got JSON (and a submit created its
     * job). Refused types are dropped; when nothing is left, no representation matches and the
     * request is a 406 before any handler runs. Not handled: a refusal that narrows a wildcard
     * ({@code *}{@code /*, application/json;q=0}), which would need the produced types here.
     */
    static final class RefusalAwareAcceptStrategy extends HeaderContentNegotiationStrategy {

        // Matches nothing a handler produces, but is a valid media type for the 406's own checks.
        static final MediaType NOTHING = new MediaType("application", "x-gantry-refused");

        @Override
        public List<MediaType> resolveMediaTypes(NativeWebRequest request) throws HttpMediaTypeNotAcceptableException {
            List<MediaType> types = super.resolveMediaTypes(request);
            List<MediaType> accepted =
                    types.stream().filter(t -> t.getQualityValue() > 0).toList();
            if (accepted.size() == types.size()) {
                return types;
            }
            return accepted.isEmpty() ? List.of(NOTHING) : accepted;
        }
    }

    /**
     * {@code ?maxPoints=} used to mean "the default" and {@code ?state=} "any state": a client
     * that sends a parameter with no value has a bug (an unset variable in a script) it should hear
     * about, so each is a 400 naming the parameter. Read from the query string itself: Spring
     * replaces an empty value by the parameter's default before any converter sees it.
     */
    static final class EmptyQueryValues implements HandlerInterceptor {

        @Override
        public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
            String query = request.getQueryString();
            if (query == null || query.isEmpty()) {
                return true;
            }
            Set<String> empty = new LinkedHashSet<>();
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if ((eq < 0 || eq == pair.length() - 1) && !name.isEmpty()) {
                    try {
                        empty.add(URLDecoder.decode(name, StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        // A broken escape in a name: Tomcat's parameter parsing answers for it.
                    }
                }
            }
            if (empty.isEmpty()) {
                return true;
            }
            List<FieldError> errors = new ArrayList<>();
            empty.forEach(
                    name -> errors.add(new FieldError(name, "must not be empty; leave the parameter out instead")));
            throw new InvalidRequestException(errors);
        }
    }
}
