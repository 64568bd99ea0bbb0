package kimg.image;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** How long each step of the image stage took, in the order they ran (a step run twice adds up). */
final class StepTimes {
    private final Map<String, Duration> steps = new LinkedHashMap<>();

    /** Runs {@code work} as the step {@code step} and adds its duration. */
    void timed(String step, Runnable work) {
        Instant start = Instant.now();
        work.run();
        add(step, Duration.between(start, Instant.now()));
    }

    synchronized void add(String step, Duration took) {
        steps.merge(step, took, Duration::plus);
    }

    synchronized Map<String, Duration> asMap() {
        return new LinkedHashMap<>(steps);
    }
}
