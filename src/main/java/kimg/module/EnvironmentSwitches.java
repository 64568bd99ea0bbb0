package kimg.module;

import java.util.Set;

/**
 * The values of the mkosi-kernel habit's on/off environment variables (DEBUG=, SELFTESTS=, CCACHE=), lowercased:
 * one list, so that every switch reads "yes" alike.
 */
final class EnvironmentSwitches {
    /** What turns a switch on. */
    static final Set<String> ON = Set.of("1", "yes", "true", "y");
    /** What turns it off, explicitly (for a switch that refuses anything else). */
    static final Set<String> OFF = Set.of("", "0", "no", "false", "n");

    private EnvironmentSwitches() {}
}
