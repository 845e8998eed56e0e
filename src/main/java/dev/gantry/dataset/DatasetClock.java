package dev.gantry.dataset;

import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** The clock dataset rows are stamped and swept by: a {@link Clock} bean when there is one (tests step it), else UTC. */
@Component
class DatasetClock {

    private final Clock clock;

    DatasetClock(ObjectProvider<Clock> clock) {
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    Clock clock() {
        return clock;
    }
}
