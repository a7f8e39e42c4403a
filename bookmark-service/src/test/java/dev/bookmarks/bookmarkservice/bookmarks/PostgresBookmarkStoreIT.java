package dev.bookmarks.bookmarkservice.bookmarks;

import java.util.Map;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The storage and change-log contracts once more against PostgreSQL. */
class PostgresBookmarkStoreIT extends PostgresShard implements BookmarkStoreContract, ChangeLogContract {

    /**
     * The tests' tables are tiny, where a sequential scan is cheapest; with it discouraged the plan
     * shows whether an index can serve the query, which is what matters with 100,000 rows.
     */
    @Override
    public String plan(String sql, Map<String, Object> parameters) {
        return new TransactionTemplate(bean(PlatformTransactionManager.class)).execute(status -> {
            jdbc().sql("SET LOCAL enable_seqscan = off").update();
            return String.join("\n", jdbc().sql("EXPLAIN " + sql).params(parameters).query(String.class).list());
        });
    }

    @Override
    public String inPlan(String index) {
        return index;
    }

    @Override
    public boolean readsInIndexOrder(String plan) {
        return !plan.contains("Sort");
    }
}
