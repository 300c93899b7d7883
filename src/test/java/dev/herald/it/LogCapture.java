package dev.herald.it;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Collects every WARNING and SEVERE record logged in this JVM (the server's and the runtime's) while installed.
 * Herald logs a stack trace only for a bug (close code 1011), so a hostile client must never cause one.
 */
final class LogCapture extends Handler implements AutoCloseable {

    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    private LogCapture() {
        setLevel(Level.WARNING);
    }

    /** Starts capturing from the root logger. */
    static LogCapture install() {
        LogCapture capture = new LogCapture();
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        if (isLoggable(record)) {
            records.add(record);
        }
    }

    /** Forgets what was captured so far. */
    void clear() {
        records.clear();
    }

    /** The captured records that {@code expected} does not allow, described for an assertion message. */
    String unexpected(Predicate<LogRecord> expected) {
        return records.stream().filter(expected.negate()).map(LogCapture::describe).collect(Collectors.joining("\n"));
    }

    static String describe(LogRecord record) {
        StringBuilder text = new StringBuilder()
                .append(record.getLevel()).append(' ').append(record.getLoggerName()).append(": ").append(record.getMessage());
        for (Throwable cause = record.getThrown(); cause != null; cause = cause.getCause()) {
            text.append("\n    caused by ").append(cause);
            StackTraceElement[] stack = cause.getStackTrace();
            for (int i = 0; i < Math.min(4, stack.length); i++) {
                text.append("\n        at ").append(stack[i]);
            }
        }
        return text.toString();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
