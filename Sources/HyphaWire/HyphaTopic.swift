// SPDX-License-Identifier: Apache-2.0
/// Topic names of Hypha's bus.
///
/// Events travel on `hypha_event_<name>`, health checks on `health_check_<server id>`
/// (docs/wire-format.md).
public enum HyphaTopic {
    /// The prefix of every event topic: `hypha_event_`.
    public static let eventPrefix: String = "hypha_event_"

    /// The prefix of every health-check topic: `health_check_`.
    public static let healthCheckPrefix: String = "health_check_"

    /// The longest topic name Kafka accepts, in characters.
    public static let maxLength: Int = 249

    /// The length of the hash suffix's hexadecimal digits in a mapped topic.
    static let hashDigitCount = 16

    /// Topic for an event name, with docs/wire-format.md's rule for names that are not legal topic names
    /// (illegal chars -> "_", cut so whole topic <= 249, then "." + first 16 hex digits of SHA-256 of the name's UTF-8).
    ///
    /// A name made only of legal characters whose topic fits in 249 characters is used
    /// unchanged (so the empty name gives `hypha_event_`). Otherwise each Unicode scalar
    /// that is not a legal topic character becomes one `_` (so `café` gives `caf_`), the
    /// result is cut to the room left for the prefix and the `.` + 16-digit suffix, and the
    /// suffix keeps names that differ only in illegal characters on different topics.
    public static func forEvent(_ name: String) -> String {
        let utf8 = name.utf8
        if eventPrefix.utf8.count + utf8.count <= maxLength, utf8.allSatisfy(isLegalCharacter) {
            return eventPrefix + name
        }
        let room = maxLength - eventPrefix.utf8.count - 1 - hashDigitCount
        var sanitized: [UInt8] = []
        sanitized.reserveCapacity(room)
        for scalar in name.unicodeScalars.prefix(room) {
            if scalar.isASCII, isLegalCharacter(UInt8(scalar.value)) {
                sanitized.append(UInt8(scalar.value))
            } else {
                sanitized.append(UInt8(ascii: "_"))
            }
        }
        let hash = SHA256.hexDigest(utf8).prefix(hashDigitCount)
        return eventPrefix + String(decoding: sanitized, as: UTF8.self) + "." + hash
    }

    /// Kafka's rule: only ASCII letters, digits, '.', '_', '-', 1...249 chars.
    ///
    /// Like Kafka, also refuses the names `.` and `..`.
    public static func isLegal(_ topic: String) -> Bool {
        let utf8 = topic.utf8
        guard (1...maxLength).contains(utf8.count), topic != ".", topic != ".." else { return false }
        return utf8.allSatisfy(isLegalCharacter)
    }

    /// The event name a topic carries (topic minus "hypha_event_"), nil if it does not start with the prefix.
    ///
    /// For a topic made by the mapping rule this is the mapped text (with its hash
    /// suffix), not the original name; the original travels in the message key.
    public static func eventName(fromTopic topic: String) -> String? {
        guard topic.utf8.starts(with: eventPrefix.utf8) else { return nil }
        return String(decoding: topic.utf8.dropFirst(eventPrefix.utf8.count), as: UTF8.self)
    }

    /// "health_check_" + server id.
    public static func healthCheck(serverID: String) -> String {
        healthCheckPrefix + serverID
    }

    /// Whether a topic belongs to Hypha (event or health-check topic).
    public static func isHypha(_ topic: String) -> Bool {
        topic.utf8.starts(with: eventPrefix.utf8) || topic.utf8.starts(with: healthCheckPrefix.utf8)
    }

    /// Whether `byte` may appear in a Kafka topic name: `[a-zA-Z0-9._-]`.
    @inline(__always)
    static func isLegalCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
