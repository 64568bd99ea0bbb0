package kimg.image;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kimg.ui.StepProgress;

/**
 * How far mmdebstrap is, from its {@code --verbose} output: its phase ({@code I: installing essential
 * packages...}) and the packages unpacked by dpkg against the total apt announced. mmdebstrap runs apt twice
 * (essential packages, then the rest inside the chroot), each saying {@code N newly installed}; the total is their
 * sum so far, so it grows once when the second run starts.
 */
final class MmdebstrapProgress implements StepProgress {
    private static final Pattern PHASE = Pattern.compile("^I: (.+?)(\\.\\.\\.)?$");
    private static final Pattern NEWLY = Pattern.compile("^\\d+ upgraded, (\\d+) newly installed,");
    private static final Pattern UNPACKING = Pattern.compile("^Unpacking \\S+ ");

    private String phase = "";
    private long total;
    private long unpacked;

    @Override
    public void line(String line) {
        Matcher m;
        if ((m = NEWLY.matcher(line)).find()) {
            total += Long.parseLong(m.group(1));
        } else if (UNPACKING.matcher(line).find()) {
            unpacked++;
        } else if ((m = PHASE.matcher(line)).matches() && !line.startsWith("I: success")) {
            phase = m.group(1);
        }
    }

    @Override
    public String status(Duration elapsed) {
        if (total == 0) {
            return phase;
        }
        return (phase.isEmpty() ? "" : phase + ", ") + unpacked + "/" + Math.max(total, unpacked)
                + " packages unpacked";
    }

    @Override
    public String summary() {
        return unpacked == 0 ? "" : unpacked + " packages";
    }

    long unpacked() {
        return unpacked;
    }

    long total() {
        return total;
    }
}
