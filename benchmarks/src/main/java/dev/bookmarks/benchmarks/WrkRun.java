package dev.bookmarks.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link GatewayComparison}'s wrk side: the one Lua script every target gets, and what a run's output says.
 *
 * <p>The script reads the token file at init ({@code userId token} per line) and pre-formats one request per
 * user: {@code GET /api/users/{u}/bookmarks} with {@code Authorization: Bearer <token>} and {@code X-User-Id: u}.
 * Each request takes the next user, the two threads starting half the users apart. It counts 429s and other
 * non-2xx answers per thread and prints their totals when wrk is done.
 *
 * @param requests requests wrk completed
 * @param figures requests/s and percentiles as wrk printed them
 * @param tooMany 429 answers
 * @param otherNon2xx every other answer outside 2xx
 * @param socketErrors wrk's socket error line, or "none"
 */
record WrkRun(long requests, LoadRig.Figures figures, long tooMany, long otherNon2xx, String socketErrors) {

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern TOO_MANY = Pattern.compile("status-429 (\\d+)");
    private static final Pattern OTHER = Pattern.compile("status-other-non-2xx (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile("Socket errors: (.*)");

    /** Reads wrk's output as the script below leaves it. */
    static WrkRun of(String output) {
        Matcher socket = SOCKET_ERRORS.matcher(output);
        return new WrkRun(number(REQUESTS, output), LoadRig.Figures.of(output), number(TOO_MANY, output),
                number(OTHER, output), socket.find() ? socket.group(1).trim() : "none");
    }

    /** Writes the script into {@code dir}, reading {@code tokens}; returns its path. */
    static Path writeScript(Path dir, Path tokens) throws IOException {
        String path = tokens.toAbsolutePath().toString();
        if (path.contains("\"") || path.contains("\\")) {
            throw new IllegalArgumentException("the token file's path must not need escaping in Lua: " + path);
        }
        return Files.writeString(dir.resolve("users.lua"), """
                local threads = {}
                function setup(thread)
                  thread:set("id", #threads)
                  table.insert(threads, thread)
                end
                function init(args)
                  prepared = {}
                  for line in io.lines("%s") do
                    local user, token = line:match("^(%%S+) (%%S+)$")
                    prepared[#prepared + 1] = wrk.format("GET", "/api/users/" .. user .. "/bookmarks",
                        {["Authorization"] = "Bearer " .. token, ["X-User-Id"] = user})
                  end
                  next_user = id * math.floor(#prepared / 2)
                  too_many = 0
                  other = 0
                end
                function request()
                  next_user = next_user %% #prepared + 1
                  return prepared[next_user]
                end
                function response(status, headers, body)
                  if status == 429 then
                    too_many = too_many + 1
                  elseif status < 200 or status > 299 then
                    other = other + 1
                  end
                end
                function done(summary, latency, requests)
                  local too_many_total, other_total = 0, 0
                  for _, thread in ipairs(threads) do
                    too_many_total = too_many_total + thread:get("too_many")
                    other_total = other_total + thread:get("other")
                  end
                  io.write(string.format("status-429 %%d\\nstatus-other-non-2xx %%d\\n", too_many_total, other_total))
                end
                """.formatted(path));
    }

    private static long number(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("wrk's output has no " + pattern + ":\n" + output);
        }
        return Long.parseLong(matcher.group(1));
    }
}
