package dev.bookmarks.bookmarkservice.security;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body was read into memory (to digest it for the signature) and is now served from there:
 * the handler reads exactly the bytes that were verified, through {@link #getInputStream()} or
 * {@link #getReader()} (one of the two, as the servlet contract says).
 */
final class ReceivedBody extends HttpServletRequestWrapper {

    private final byte[] body;
    private ServletInputStream stream;
    private BufferedReader reader;

    ReceivedBody(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (reader != null) {
            throw new IllegalStateException("the request body was already taken through getReader");
        }
        if (stream == null) {
            stream = stream(new ByteArrayInputStream(body));
        }
        return stream;
    }

    private static ServletInputStream stream(ByteArrayInputStream bytes) {
        return new ServletInputStream() {
            @Override
            public int read() {
                return bytes.read();
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                return bytes.read(buffer, offset, length);
            }

            @Override
            public boolean isFinished() {
                return bytes.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(ReadListener listener) {
                throw new IllegalStateException("the body was read already; it is served from memory, blocking");
            }
        };
    }

    @Override
    public BufferedReader getReader() throws UnsupportedEncodingException {
        if (stream != null) {
            throw new IllegalStateException("the request body was already taken through getInputStream");
        }
        if (reader != null) {
            return reader;
        }
        String encoding = getCharacterEncoding();
        Charset charset;
        try {
            charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedEncodingException(encoding);
        }
        reader = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        return reader;
    }
}
