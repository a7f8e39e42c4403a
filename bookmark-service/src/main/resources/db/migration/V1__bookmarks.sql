-- The bookmark shard's schema. Plain SQL that H2 2.x and PostgreSQL 15 both run unchanged: no
-- vendor types, no partial or expression indexes, identifiers unquoted and lower case.
--
-- Text columns are twice as wide as the API limits (DESIGN.md "Limits"): the service counts
-- Unicode code points, H2 counts UTF-16 units, so a title of 512 emoji needs 1024 H2 characters.
-- The service enforces the limits; the columns only bound what a bug could store.

CREATE TABLE bookmarks (
    id         UUID                     NOT NULL,
    user_id    VARCHAR(64)              NOT NULL,
    url        VARCHAR(4096)            NOT NULL,
    title      VARCHAR(1024)            NOT NULL,
    notes      VARCHAR(8192)            NOT NULL,
    -- Microsecond precision in both databases; the service truncates to microseconds before
    -- writing, so a cursor's timestamp compares equal to the stored one.
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT bookmarks_pk PRIMARY KEY (id)
);

-- A user's bookmarks newest first: the list query and its keyset cursor (created_at, id) walk
-- this index from the cursor position and stop after limit + 1 rows.
CREATE INDEX bookmarks_user_newest ON bookmarks (user_id, created_at DESC, id DESC);

-- Tags in their own rows (normalised: lower case, trimmed, distinct per bookmark). user_id and
-- created_at are copies of the bookmark's, so that a tag filter walks one index in list order and
-- a tag count reads one index range, without touching the bookmark rows.
CREATE TABLE bookmark_tags (
    bookmark_id UUID                    NOT NULL,
    tag         VARCHAR(128)            NOT NULL,
    user_id     VARCHAR(64)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT bookmark_tags_pk PRIMARY KEY (bookmark_id, tag),
    CONSTRAINT bookmark_tags_bookmark_fk FOREIGN KEY (bookmark_id) REFERENCES bookmarks (id) ON DELETE CASCADE
);

-- Tag filter (user, tag, newest first, keyset) and tag counts (user, grouped by tag).
CREATE INDEX bookmark_tags_user_tag_newest ON bookmark_tags (user_id, tag, created_at DESC, bookmark_id DESC);

-- Idempotency-Key records (IETF httpapi-idempotency-key-header). The primary key is the lock:
-- the first request inserts its row, committed on its own, before it writes; a concurrent request
-- with the same key fails that insert and answers 409 (or 422, or replays once completed).
CREATE TABLE idempotency_keys (
    user_id       VARCHAR(64)              NOT NULL,
    idem_key      VARCHAR(255)             NOT NULL,
    -- Hex SHA-256 of method, path and the normalised request body.
    fingerprint   VARCHAR(64)              NOT NULL,
    state         VARCHAR(16)              NOT NULL,
    -- Set while IN_PROGRESS: who holds the key, and since when (an owner that died is replaced
    -- once the lease ran out).
    lock_token    UUID,
    locked_at     TIMESTAMP WITH TIME ZONE,
    -- Set once COMPLETED, in the same transaction as the bookmark it created.
    status        INTEGER,
    location      VARCHAR(512),
    response_body VARCHAR(65536),
    -- When the row was last written; the cleanup deletes rows older than the retention.
    stored_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT idempotency_keys_pk PRIMARY KEY (user_id, idem_key),
    CONSTRAINT idempotency_keys_state CHECK (state IN ('IN_PROGRESS', 'COMPLETED'))
);

CREATE INDEX idempotency_keys_stored ON idempotency_keys (stored_at);
