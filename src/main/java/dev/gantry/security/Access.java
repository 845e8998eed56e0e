package dev.gantry.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rule of one API handler: the least role it needs, and what its path's ids name. A handler
 * of {@code /api/**} without a rule is refused ({@link ProjectAccessInterceptor} fails closed), and
 * the isolation test fails on it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Access {

    Role role();

    ResourceType resource() default ResourceType.NONE;
}
