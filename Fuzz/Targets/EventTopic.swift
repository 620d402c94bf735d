// SPDX-License-Identifier: Apache-2.0
import HyphaWire

// An event name (the whole input, read as UTF-8 with ill-formed bytes replaced)
// through docs/wire-format.md's mapping to a topic and back, through the message key,
// and through the decoder and the jsonl record, which take the name from the key.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventTopic(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let name = String(decoding: UnsafeRawBufferPointer(start: data, count: size), as: UTF8.self)
    let topic = HyphaTopic.forEvent(name)
    checkTopic(topic, for: name)
    checkKeys(name, topic: topic)
    checkVariant(of: name, topic: topic)
    return 0
}

/// The prefix's length, and the room a mapped topic leaves for the sanitised name.
private let prefixLength = HyphaTopic.eventPrefix.utf8.count
private let hashLength = 16
private let room = HyphaTopic.maxLength - prefixLength - 1 - hashLength

/// A topic Kafka accepts, that Hypha's tools see as Hypha's; the name unchanged
/// when it is legal and fits, else the sanitised name, cut, and a hash suffix.
private func checkTopic(_ topic: String, for name: String) {
    invariant(HyphaTopic.isLegal(topic), "topic \(topic) for \(name.debugDescription) is not a legal topic name")
    invariant(HyphaTopic.isHypha(topic), "topic \(topic) is not a Hypha topic")
    guard let carried = HyphaTopic.eventName(fromTopic: topic) else {
        fatalError("topic \(topic) does not start with \(HyphaTopic.eventPrefix)")
    }
    let fits = prefixLength + name.utf8.count <= HyphaTopic.maxLength
    if fits, name.utf8.allSatisfy(isLegalTopicByte) {
        invariant(carried == name, "legal name \(name) maps to \(topic), not \(HyphaTopic.eventPrefix)\(name)")
        invariant(
            decodedEvent(topic: topic, key: nil) == name,
            "with no key, the decoder does not take legal name \(name) back from its topic \(topic)")
        return
    }
    // prefix + S + "." + H: S is one character per Unicode scalar, cut to the room left.
    let expectedStem = name.unicodeScalars.prefix(room).map { scalar in
        scalar.isASCII && isLegalTopicByte(UInt8(scalar.value)) ? Character(scalar) : "_"
    }
    let parts = carried.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
    let hash = parts.last.map { String(decoding: $0, as: UTF8.self) } ?? ""
    let stem = carried.utf8.dropLast(hash.utf8.count + 1)
    invariant(
        hash.utf8.count == hashLength && hash.utf8.allSatisfy { isLowercaseHexDigit($0) },
        "mapped topic \(topic) does not end in '.' and 16 lowercase hex digits")
    invariant(
        String(decoding: stem, as: UTF8.self) == String(expectedStem),
        "mapped topic \(topic) for \(name.debugDescription) should start \(HyphaTopic.eventPrefix)\(String(expectedStem))."
    )
    invariant(carried != name, "mapped name \(name) comes back unchanged from its topic")
}

/// The key carries the exact name under every type, whatever the topic says.
private func checkKeys(_ name: String, topic: String) {
    for type in PayloadType.allCases {
        let key = EventKey.encode(type: type, event: name)
        invariant(
            key.starts(with: [UInt8(ascii: Unicode.Scalar(type.rawValue)!), UInt8(ascii: ":")]),
            "key \(key) has no prefix")
        let decoded = key.withUnsafeBytes { EventKey.decode($0) }
        invariant(
            decoded == EventKey(type: type, event: name),
            "key for \(name.debugDescription) decodes as \(String(describing: decoded))")
        invariant(
            decodedEvent(topic: topic, key: key) == name,
            "the decoder does not take \(name.debugDescription) from its key")

        var record: [UInt8] = []
        key.withUnsafeBytes { key in
            JSONLRecord.append(
                to: &record, topic: topic, partition: 0, offset: 0, timestampMillis: nil, key: key, value: nil)
        }
        let recordEvent = record.dropLast().withUnsafeBytes { line -> String? in
            guard case .object(let fields)? = try? JSONValue.parse(line),
                case .string(let event)? = fields.first(where: { $0.0 == "event" })?.1
            else { return nil }
            return event
        }
        invariant(
            recordEvent == name,
            "the jsonl record names \(String(describing: recordEvent)), not \(name.debugDescription)")
    }
}

/// Names that differ in one character get different topics, also when that
/// character is illegal or past the cut: the hash tells them apart.
private func checkVariant(of name: String, topic: String) {
    guard let last = name.unicodeScalars.last else { return }
    var variant = name.unicodeScalars
    variant.removeLast()
    variant.append(last == "/" ? ":" : "/")
    let other = String(variant)
    invariant(
        HyphaTopic.forEvent(other) != topic,
        "\(name.debugDescription) and \(other.debugDescription) share topic \(topic)")
}

private func decodedEvent(topic: String, key: [UInt8]?) -> String {
    guard let key else { return DecodedEvent.decode(topic: topic, key: nil, value: nil).event }
    return key.withUnsafeBytes { DecodedEvent.decode(topic: topic, key: $0, value: nil).event }
}

/// Kafka's topic characters: `[a-zA-Z0-9._-]`.
private func isLegalTopicByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
        true
    default:
        false
    }
}

private func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
}
