package dev.gantry.api;

import dev.gantry.job.JobState;
import java.beans.PropertyEditorSupport;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.springframework.web.bind.WebDataBinder;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.InitBinder;

/**
 * Path and query values read strictly. Spring's own binding reads {@code 0x10} as 16 and trims
 * spaces, and even a NUL, around a number or an enum name (its property editors are the fallback
 * of its converters, so a stricter converter is not enough); a client sending those has a bug it
 * should hear about. A value refused here is a 400 naming the parameter, from {@link ProblemHandler}.
 */
@ControllerAdvice
class StrictParameterBinding {

    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,19}");

    @InitBinder
    void strictValues(WebDataBinder binder) {
        binder.registerCustomEditor(long.class, new Strict(StrictParameterBinding::toLong));
        binder.registerCustomEditor(Long.class, new Strict(StrictParameterBinding::toLong));
        binder.registerCustomEditor(int.class, new Strict(StrictParameterBinding::toInt));
        binder.registerCustomEditor(Integer.class, new Strict(StrictParameterBinding::toInt));
        binder.registerCustomEditor(JobState.class, new Strict(JobState::valueOf));
    }

    // Property editors must fail with IllegalArgumentException (NumberFormatException is one) to become a 400.
    private static long toLong(String text) {
        return Long.parseLong(decimal(text));
    }

    private static int toInt(String text) {
        return Integer.parseInt(decimal(text));
    }

    private static String decimal(String text) {
        if (!DECIMAL.matcher(text).matches()) {
            throw new IllegalArgumentException("not a decimal integer: " + text);
        }
        return text;
    }

    /** Empty is absent, as in Spring's own binding (a default applies, or null). */
    private static final class Strict extends PropertyEditorSupport {

        private final Function<String, Object> parse;

        Strict(Function<String, Object> parse) {
            this.parse = parse;
        }

        @Override
        public void setAsText(String text) {
            setValue(text == null || text.isEmpty() ? null : parse.apply(text));
        }
    }
}
