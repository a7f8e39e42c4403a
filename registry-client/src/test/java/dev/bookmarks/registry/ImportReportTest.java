package dev.bookmarks.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bookmarks.registry.ImportReports.ImportReport;
import dev.bookmarks.registry.ImportReports.Phase;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A target's report survives its trip through Redis exactly, detail and all, and a damaged one reads as none. */
class ImportReportTest {

    static final Instant AT = Instant.parse("2026-12-04T08:00:00.123Z");

    @Test
    void aReportReadsBackAsWrittenWithADetailOfManyWordsOrNone() {
        ImportReport failed = new ImportReport("s-4", "s-2", "0-15,40", 17, Phase.FAILED, 1234, 56, 7890, 12, AT,
                "s-2 answered 503 to GET /internal/migration/log: {\"title\":\"Epoch not held yet\"}");
        ImportReport verified = new ImportReport("s-4", "s-2", "3", 18, Phase.VERIFIED, 1300, 0, 7890, 30, AT, null);

        assertThat(ImportReport.parse(failed.toText())).hasValue(failed);
        assertThat(ImportReport.parse(verified.toText())).hasValue(verified);
        assertThat(verified.detail()).isEmpty();
    }

    @Test
    void aDetailOnSeveralLinesIsKeptOnOne() {
        ImportReport report = new ImportReport("s-4", "s-2", "3", 18, Phase.MISMATCH, 1, 0, 1, 1, AT, "a\nb");

        assertThat(report.detail()).isEqualTo("a b");
    }

    @Test
    void aDamagedOrUnknownReportReadsAsNone() {
        assertThat(ImportReport.parse("v2 s-4 s-2 3 18 VERIFIED 1 0 1 1 0 ")).isEmpty();
        assertThat(ImportReport.parse("v1 s-4 s-2 3 18 SHUFFLING 1 0 1 1 0 ")).isEmpty();
        assertThat(ImportReport.parse("v1 s-4 s-2 3 eighteen VERIFIED 1 0 1 1 0 ")).isEmpty();
        assertThat(ImportReport.parse("v1 s-4")).isEmpty();
    }

    @Test
    void aSlotSetOrIdWithASpaceIsRefused() {
        assertThatThrownBy(() -> new ImportReport("s-4", "s-2", "0, 1", 1, Phase.COPYING, 0, 0, 0, 0, AT, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
