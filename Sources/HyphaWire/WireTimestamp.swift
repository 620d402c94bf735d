// SPDX-License-Identifier: Apache-2.0
/// Fast ISO-8601 UTC with milliseconds, e.g. "2026-11-27T09:31:21.301Z" (no DateFormatter; civil-from-days arithmetic).
///
/// Every `Int64` is written, on the proleptic Gregorian calendar: times before 1970
/// count back properly (`-1` is `1969-12-31T23:59:59.999Z`). Years 0…9999 have four
/// digits; years outside that range are written as ISO 8601's expanded form with a
/// sign and at least six digits (`+010000-01-01T…`, `-000001-12-31T…`), as
/// JavaScript's `Date.toISOString` does.
public enum WireTimestamp {
    /// The timestamp `millis` milliseconds after the Unix epoch, as text.
    public static func iso8601(millis: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        append(millis: millis, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the timestamp `millis` milliseconds after the Unix epoch to `out`, without quotes.
    public static func append(millis: Int64, to out: inout [UInt8]) {
        out.appendBytes(upTo: maximumLength) { $0.putTimestamp(millis: millis) }
    }

    /// The longest text any `Int64` gives: `+292278994-08-17T07:12:55.807Z`.
    static let maximumLength = 30

    /// Year, month (1…12) and day (1…31) of a day count since 1970-01-01.
    ///
    /// Howard Hinnant's `civil_from_days` ("chrono-Compatible Low-Level Date
    /// Algorithms"): eras of 400 years, each 146097 days, with years starting on
    /// March 1 so the leap day falls at the end.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let marchMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * marchMonth + 2) / 5 + 1
        let month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

extension ByteCursor {
    /// The timestamp `millis` milliseconds after the Unix epoch, at most
    /// ``WireTimestamp/maximumLength`` bytes.
    mutating func putTimestamp(millis: Int64) {
        // Floor division, so times before the epoch land on the previous day.
        let millisPerDay: Int64 = 86_400_000
        var days = millis / millisPerDay
        var millisOfDay = millis % millisPerDay
        if millisOfDay < 0 {
            millisOfDay += millisPerDay
            days -= 1
        }
        let (year, month, day) = WireTimestamp.civil(fromDays: days)

        if (0...9999).contains(year) {
            putDecimal(year, minimumWidth: 4)
        } else {
            put(year < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            putDecimal(year.magnitude, minimumWidth: 6)
        }
        put(UInt8(ascii: "-"))
        putDecimal(month, minimumWidth: 2)
        put(UInt8(ascii: "-"))
        putDecimal(day, minimumWidth: 2)
        put(UInt8(ascii: "T"))
        putDecimal(millisOfDay / 3_600_000, minimumWidth: 2)
        put(UInt8(ascii: ":"))
        putDecimal(millisOfDay / 60_000 % 60, minimumWidth: 2)
        put(UInt8(ascii: ":"))
        putDecimal(millisOfDay / 1000 % 60, minimumWidth: 2)
        put(UInt8(ascii: "."))
        putDecimal(millisOfDay % 1000, minimumWidth: 3)
        put(UInt8(ascii: "Z"))
    }
}
