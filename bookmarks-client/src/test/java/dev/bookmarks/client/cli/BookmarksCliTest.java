package dev.bookmarks.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Argument handling that needs no server. */
class BookmarksCliTest {

    private static int run(ByteArrayOutputStream err, String... args) {
        return BookmarksCli.run(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), null);
    }

    @Test
    void rejectsBadUsageWithExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err)).isEqualTo(2);
        assertThat(run(err, "add", "--url", "https://example.com")).isEqualTo(2);
        assertThat(run(err, "frobnicate", "--user", "alice")).isEqualTo(2);
        assertThat(run(err, "list", "--user", "alice", "--bogus")).isEqualTo(2);
        assertThat(run(err, "list", "--user")).isEqualTo(2);
        assertThat(run(err, "add", "--user", "alice", "--token", "t")).isEqualTo(2);
        assertThat(run(err, "rm", "--user", "alice", "--token", "t")).isEqualTo(2);
        assertThat(run(err, "tags", "--user", "alice", "--server", "ftp://x")).isEqualTo(2);
        assertThat(run(err, "tags", "--user", "alice", "--cacert", "/nonexistent/ca.crt")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: bookmarks").contains("--user is required")
                .contains("unknown command frobnicate").contains("unknown option --bogus").contains("add needs --url");
    }

    @Test
    void rejectsPortsOutsideTheRangeOrNotNumbersWithExitCodeTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(run(err, "tags", "--user", "alice", "--token", "t", "--ports", "8443,0")).isEqualTo(2);
        assertThat(run(err, "tags", "--user", "alice", "--token", "t", "--ports", "8443,65536")).isEqualTo(2);
        assertThat(run(err, "tags", "--user", "alice", "--token", "t", "--ports", "8443,x")).isEqualTo(2);
        assertThat(run(err, "tags", "--user", "alice", "--token", "t", "--ports", "8443,8443")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("ports must be in [1, 65535]: 0")
                .contains("ports must be in [1, 65535]: 65536").contains("For input string: \"x\"")
                .contains("ports must not repeat: 8443");
    }

    @Test
    void printsHelp() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = BookmarksCli.run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), null);
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--dev-token").contains("--cacert");
    }
}
