// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation

/// A length of time on the command line, the one syntax every duration option
/// takes: a number with a unit (`500ms`, `5s`, `2m`, `1h`, `1d`), units in a row
/// (`1h30m`, `2m30s`), or plain seconds (`2.5`).
struct DurationArgument: Equatable, CustomStringConvertible {
    /// The length of time.
    let duration: Duration
    private let text: String

    init?(argument: String) {
        guard let millis = Self.milliseconds(argument) else { return nil }
        duration = .milliseconds(millis)
        text = argument
    }

    var description: String { text }

    /// `text` as a duration, or a usage error that says what is accepted: for
    /// `@Option(transform:)`, whose errors ArgumentParser shows after its own
    /// "The value '-1' is invalid for '--timeout <duration>'".
    static func parse(_ text: String) throws -> DurationArgument {
        guard let duration = DurationArgument(argument: text) else {
            throw ValidationError("expected \(syntax)\(text.hasPrefix("-") ? ", not negative" : "")")
        }
        return duration
    }

    /// The duration in seconds, for APIs that take a `Double`.
    var seconds: Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }

    /// What the options' help and their errors say is accepted.
    static let syntax = "a duration like 30s, 500ms, 10m, 1h30m, 2d, or plain seconds"

    /// Milliseconds in `text`, or nil when it is not a duration (negative, empty,
    /// an unknown unit, a unit twice).
    static func milliseconds(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        if let plain = Double(text), text.first?.isASCIIDigit == true || text.first == "." {
            return plain.isFinite && plain >= 0 ? Int64((plain * 1000).rounded()) : nil
        }
        var rest = Substring(text)
        var total = 0.0
        var used = Set<String>()
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCIIDigit || $0 == "." }
            let unit = rest.dropFirst(number.count).prefix { $0.isLetter }
            guard let value = Double(number), let scale = units.first(where: { $0.0 == unit })?.1,
                used.insert(String(unit)).inserted
            else { return nil }
            total += value * scale
            rest = rest.dropFirst(number.count + unit.count)
        }
        guard !text.isEmpty, total.isFinite, total < 1e12 else { return nil }
        return Int64((total * 1000).rounded())
    }
}

/// A moment on the command line (`--since`, `--to-datetime`): a time as `tail`
/// prints it (`2026-12-06 06:11:39.597`, local time, or ISO-8601 with `T` and a
/// zone), Unix seconds (or milliseconds, 12 digits and more), or an age in the
/// duration syntax (`10m`, `1h30m`; `-10m` means the same).
enum PointInTime {
    /// What the options' help and their errors say is accepted.
    static let syntax =
        "a time as tail prints it (2026-12-06 06:11:39.597, local), ISO-8601 (2026-12-06T06:11:39Z), Unix seconds, or an age like 10m, 1h30m, 2d"

    /// Milliseconds since the epoch that `text` names, `now` being the present.
    static func millis(_ text: String, now: Date) -> Int64? {
        let nowMillis = Int64((now.timeIntervalSince1970 * 1000).rounded())
        if text.count > 9, text.allSatisfy(\.isASCIIDigit), let number = Int64(text) {
            return text.count > 11 ? number : number * 1000
        }
        let age = text.hasPrefix("-") ? String(text.dropFirst()) : text
        if let millis = DurationArgument.milliseconds(age) { return nowMillis - millis }
        return calendarTime(text)
    }

    /// `YYYY-MM-DD[( |T)HH:MM[:SS[.fff]]][Z|±HH:MM]`: local time without a zone.
    private static func calendarTime(_ text: String) -> Int64? {
        let pattern =
            #"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        func group(_ index: Int) -> String? {
            Range(match.range(at: index), in: text).map { String(text[$0]) }
        }
        var parts = DateComponents()
        parts.year = group(1).flatMap(Int.init)
        parts.month = group(2).flatMap(Int.init)
        parts.day = group(3).flatMap(Int.init)
        parts.hour = group(4).flatMap(Int.init) ?? 0
        parts.minute = group(5).flatMap(Int.init) ?? 0
        parts.second = group(6).flatMap(Int.init) ?? 0
        guard (1...12).contains(parts.month!), (1...31).contains(parts.day!), parts.hour! < 24, parts.minute! < 60,
            parts.second! < 61
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        if let zone = group(8) {
            if zone == "Z" {
                calendar.timeZone = TimeZone(identifier: "UTC")!
            } else {
                let digits = zone.dropFirst().filter(\.isASCIIDigit)
                let minutes = (Int(digits.prefix(2)) ?? 0) * 60 + (Int(digits.suffix(2)) ?? 0)
                calendar.timeZone = TimeZone(secondsFromGMT: (zone.hasPrefix("-") ? -1 : 1) * minutes * 60)!
            }
        } else {
            calendar.timeZone = .current
        }
        guard let date = calendar.date(from: parts), calendar.component(.day, from: date) == parts.day else {
            return nil
        }
        let fraction = group(7).map { Double("0." + $0) ?? 0 } ?? 0
        return Int64(((date.timeIntervalSince1970 + fraction) * 1000).rounded())
    }
}

/// Ages as kubectl shows them, for people: `45s`, `17m`, `3h12m`, `2d`, `2d5h`.
enum Age {
    /// `millis` as an age: seconds under two minutes (`45s`), minutes under an
    /// hour (`17m`), hours and minutes under a day (`3h12m`), days and hours
    /// beyond (`2d5h`); `0s` for a negative value.
    static func text(millis: Int64) -> String {
        let seconds = max(0, millis) / 1000
        switch seconds {
        case ..<120: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m"
        case ..<86_400:
            let minutes = seconds / 60 % 60
            return minutes == 0 ? "\(seconds / 3600)h" : "\(seconds / 3600)h\(minutes)m"
        default:
            let hours = seconds / 3600 % 24
            return hours == 0 ? "\(seconds / 86_400)d" : "\(seconds / 86_400)d\(hours)h"
        }
    }
}

extension Character {
    /// 0 to 9, and nothing else `isNumber` takes (other scripts' digits, fractions).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
