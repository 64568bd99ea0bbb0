package kimg.source;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code b4 am}: fetches a mailed series (KernelSeries=) by its message-id from lore into one mbox that
 * {@link GitCommands#am} then applies like any KernelPatches= file. Pure; needs the network when run.
 */
public final class SeriesCommand {
    /** The mbox b4 writes is {@code <outdir>/<MBOX_NAME>.mbx}. */
    public static final String MBOX_NAME = "series";

    private SeriesCommand() {}

    /** {@code b4 am -o OUTDIR -n series -- MSGID}, the message-id without its angle brackets. */
    public static List<String> fetch(String messageId, Path outDir) {
        return List.of("b4", "am", "--outdir", outDir.toString(), "--mbox-name", MBOX_NAME, "--",
                bare(messageId));
    }

    public static Path mbox(Path outDir) {
        return outDir.resolve(MBOX_NAME + ".mbx");
    }

    /** {@code <id@host>} → {@code id@host}. */
    public static String bare(String messageId) {
        return messageId.startsWith("<") && messageId.endsWith(">")
                ? messageId.substring(1, messageId.length() - 1) : messageId;
    }
}
