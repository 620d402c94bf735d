// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

/// Expected strings from Python's `datetime(1970,1,1,tzinfo=utc) + timedelta(milliseconds=…)`,
/// except where noted.
@Suite("Wire timestamps")
struct WireTimestampTests {
    @Test(
        "ISO 8601 UTC with milliseconds",
        arguments: [
            (Int64(0), "1970-01-01T00:00:00.000Z"),
            (1, "1970-01-01T00:00:00.001Z"),
            (1_795_772_281_301, "2026-11-27T09:38:01.301Z"),
            (1_795_771_881_301, "2026-11-27T09:31:21.301Z"),
            (1_709_164_800_123, "2024-02-29T00:00:00.123Z"),
            (1_582_934_399_999, "2020-02-28T23:59:59.999Z"),
            (1_582_934_400_000, "2020-02-29T00:00:00.000Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (951_868_799_999, "2000-02-29T23:59:59.999Z"),
            (4_107_542_400_000, "2100-03-01T00:00:00.000Z"),
            (4_107_542_399_000, "2100-02-28T23:59:59.000Z"),
            (68_169_600_000, "1972-02-29T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ])
    func afterEpoch(millis: Int64, text: String) {
        #expect(WireTimestamp.iso8601(millis: millis) == text)
    }

    @Test(
        "before 1970 counts back (floor, not truncation)",
        arguments: [
            (Int64(-1), "1969-12-31T23:59:59.999Z"),
            (-86_400_000, "1969-12-31T00:00:00.000Z"),
            (-86_400_001, "1969-12-30T23:59:59.999Z"),
            (-2_208_988_800_000, "1900-01-01T00:00:00.000Z"),
            (-2_203_891_200_000, "1900-03-01T00:00:00.000Z"),
            (-11_670_998_400_000, "1600-02-29T00:00:00.000Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        ])
    func beforeEpoch(millis: Int64, text: String) {
        #expect(WireTimestamp.iso8601(millis: millis) == text)
    }

    /// Outside 0…9999: the signed six-digit form; ±8.64e15 ms are JavaScript's
    /// documented Date limits, whose toISOString values are well known.
    @Test(
        "years outside 0…9999 use the expanded form",
        arguments: [
            (Int64(-62_167_219_200_000), "0000-01-01T00:00:00.000Z"),
            (-62_167_219_200_001, "-000001-12-31T23:59:59.999Z"),
            (253_402_300_800_000, "+010000-01-01T00:00:00.000Z"),
            (8_640_000_000_000_000, "+275760-09-13T00:00:00.000Z"),
            (-8_640_000_000_000_000, "-271821-04-20T00:00:00.000Z"),
        ])
    func expandedYears(millis: Int64, text: String) {
        #expect(WireTimestamp.iso8601(millis: millis) == text)
    }

    @Test("the extremes of Int64 do not trap")
    func extremes() {
        #expect(WireTimestamp.iso8601(millis: .max).hasPrefix("+292278994-08-17T07:12:55.807"))
        #expect(WireTimestamp.iso8601(millis: .min).hasPrefix("-292275055-05-16T16:47:04.192"))
    }

    @Test("append writes the same text after what is already there")
    func append() {
        var out = utf8("at ")
        WireTimestamp.append(millis: 1_795_772_281_301, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "at 2026-11-27T09:38:01.301Z")
    }
}
