package dev.bookmarks.client;

/**
 * A call that failed: either the service answered with an error ({@link #status()} is the HTTP status and
 * {@link #title()}/{@link #detail()} come from its {@code application/problem+json} body, RFC 9457), or no
 * attempt got an answer ({@link #status()} is 0 and the cause is the last transport error).
 */
public final class BookmarksException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String title;
    private final String detail;
    private final String body;

    public BookmarksException(int status, String title, String detail, String body, Throwable cause) {
        super(message(status, title, detail), cause);
        this.status = status;
        this.title = title;
        this.detail = detail;
        this.body = body;
    }

    private static String message(int status, String title, String detail) {
        StringBuilder text = new StringBuilder();
        text.append(status == 0 ? "no answer" : "HTTP " + status);
        if (title != null && !title.isEmpty()) {
            text.append(": ").append(title);
        }
        if (detail != null && !detail.isEmpty()) {
            text.append(" (").append(detail).append(')');
        }
        return text.toString();
    }

    /** The HTTP status, or 0 when no attempt got an answer. */
    public int status() {
        return status;
    }

    /** The problem's title, or null. */
    public String title() {
        return title;
    }

    /** The problem's detail, or null. */
    public String detail() {
        return detail;
    }

    /** The raw response body (usually problem+json), or null when there was no answer. */
    public String body() {
        return body;
    }
}
