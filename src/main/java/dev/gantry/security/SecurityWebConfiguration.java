package dev.gantry.security;

import java.util.List;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
class SecurityWebConfiguration implements WebMvcConfigurer {

    private final ResourceOwnership ownership;
    private final AuditLog audit;

    SecurityWebConfiguration(ResourceOwnership ownership, AuditLog audit) {
        this.ownership = ownership;
        this.audit = audit;
    }

    // Audit first: its afterCompletion runs for requests the access check refused too.
    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AuditInterceptor(audit));
        registry.addInterceptor(new ProjectAccessInterceptor(ownership));
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArgumentResolver());
    }
}
