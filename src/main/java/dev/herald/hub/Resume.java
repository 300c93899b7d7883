package dev.herald.hub;

/**
 * What a client asked to resume from: the offset and epoch of the last message it saw ({@code ?since=&epoch=}).
 * A malformed request is kept as one that cannot succeed ({@code since} -1), so the client hears
 * {@code recovered: false} rather than nothing.
 */
public record Resume(long since, String epoch) {

    /** {@code null} when the connection asked for no resume (neither parameter given). */
    public static Resume of(String since, String epoch) {
        if (since == null && epoch == null) {
            return null;
        }
        long offset;
        try {
            offset = since == null ? -1 : Long.parseLong(since);
        } catch (NumberFormatException e) {
            offset = -1; // not an offset: this resume fails with recovered: false
        }
        return new Resume(offset < 0 ? -1 : offset, epoch);
    }

    /** {@code false} when the request itself was malformed; it can then never succeed. */
    boolean wellFormed() {
        return since >= 0 && epoch != null && !epoch.isEmpty();
    }
}
