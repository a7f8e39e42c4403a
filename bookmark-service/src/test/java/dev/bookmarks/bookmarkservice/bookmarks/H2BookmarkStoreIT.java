package dev.bookmarks.bookmarkservice.bookmarks;

import java.util.Locale;
import java.util.Map;

/** The storage and change-log contracts against H2 in file mode. */
class H2BookmarkStoreIT extends H2Shard implements BookmarkStoreContract, ChangeLogContract {

    @Override
    public String plan(String sql, Map<String, Object> parameters) {
        return String.join("\n", jdbc().sql("EXPLAIN " + sql).params(parameters).query(String.class).list());
    }

    @Override
    public String inPlan(String index) {
        return index.toUpperCase(Locale.ROOT);
    }

    @Override
    public boolean readsInIndexOrder(String plan) {
        return plan.contains("/* index sorted */");
    }
}
