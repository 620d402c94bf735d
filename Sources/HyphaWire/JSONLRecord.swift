// SPDX-License-Identifier: Apache-2.0
/// Writes `tail -f jsonl` records (docs/cli.md) straight into a byte buffer, without building a JSON tree for d: values:
/// valid d: values are validated with JSONValidator and copied through with surrounding whitespace trimmed; if they contain raw newlines / are multi-line,
/// re-serialise compactly so each record is exactly one line.
///
/// The record says the same as ``DecodedEvent/decode(topic:key:value:)`` (same event
/// name, type and error reasons), but a `d:` value keeps its bytes: numbers, key order,
/// escapes (even of lone surrogates) and Python's `", "` separators go out as they came.
/// A multi-line value loses only the whitespace between its tokens.
public enum JSONLRecord {
    /// Appends one line (ending in "\n") to `out`:
    /// {"event":..,"topic":..,"partition":N,"offset":N,"timestamp":"2026-11-27T09:31:21.301Z" or null,"key":"d:test" or null,"type":"d"/"s"/"b"/null,"data":...}
    /// data: JSON value for d, string for s/no-prefix, standard padded base64 for b, null for no value;
    /// when the value is not what its key says: no "data" but "error":"<why>","raw":"<base64 of the value>".
    /// A `b:` event whose name ends in `:msg` and whose value is an ``RPCMessage`` also gets, after
    /// `data`, "rpc":<its header as JSON (as ``MessagePack/json(_:)-(MessagePackValue)`` shows it)>,"body":"<base64 of its body>".
    /// Keys that are not valid UTF-8 are written with U+FFFD replacements. Field order exactly as above.
    ///
    /// A stream of records is faster through one ``JSONLRecordWriter``, which reuses
    /// what consecutive records share.
    public static func append(
        to out: inout [UInt8],
        topic: String,
        partition: Int32,
        offset: Int64,
        timestampMillis: Int64?,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?
    ) {
        var writer = JSONLRecordWriter()
        writer.append(
            to: &out, topic: topic, partition: partition, offset: offset, timestampMillis: timestampMillis,
            key: key, value: value)
    }
}

/// Writes ``JSONLRecord`` lines for a stream of messages. Messages in a row mostly
/// share their topic, key and second, so the parts of a record that depend only on
/// those (event, topic, key and type; the timestamp up to its milliseconds) are
/// kept from the record before rather than escaped and formatted again.
public struct JSONLRecordWriter: Sendable {
    // The remembered parts live in plain stored arrays, read in place: copying them
    // out per record would cost more retains and releases than the escaping saves.
    /// Topic and key the identity bytes were made for; nil before the first record.
    private var identityTopic: String?
    private var identityKey: [UInt8]?
    /// `{"event":…,"topic":…,"partition":` (`headCount` bytes), then `,"key":…,"type":…`.
    private var identityBytes: [UInt8] = []
    private var headCount = 0
    /// A second since the epoch and its text up to the `.` before the milliseconds.
    private var second: Int64 = -1
    private var secondBytes: [UInt8] = []

    /// A writer with nothing remembered yet.
    public init() {}

    /// Appends the record of one message to `out`, as ``JSONLRecord/append(to:topic:partition:offset:timestampMillis:key:value:)``.
    public mutating func append(
        to out: inout [UInt8],
        topic: String,
        partition: Int32,
        offset: Int64,
        timestampMillis: Int64?,
        key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?
    ) {
        let type = key.flatMap(EventKey.payloadType(of:))
        let data = RecordData(type: type, value: value)
        let rpc = type == .bytes ? RPCFields(key: key, value: value) : nil
        if !identityMatches(topic: topic, key: key) { makeIdentity(topic: topic, key: key, type: type) }
        if let timestampMillis, timestampMillis >= 0, timestampMillis / 1000 != second {
            makeSecond(millis: timestampMillis)
        }
        let headCount = headCount
        let bound = Self.fixedPartsBound + identityBytes.count + data.bound + (rpc?.bound ?? 0)
        identityBytes.withUnsafeBytes { identity in
            secondBytes.withUnsafeBytes { secondText in
                out.appendBytes(upTo: bound) { cursor in
                    cursor.put(UnsafeRawBufferPointer(rebasing: identity[..<headCount]))
                    cursor.putDecimal(partition)
                    cursor.put(",\"offset\":")
                    cursor.putDecimal(offset)
                    cursor.put(",\"timestamp\":")
                    if let timestampMillis {
                        cursor.put(UInt8(ascii: "\""))
                        if timestampMillis >= 0 {
                            cursor.put(secondText)
                            cursor.putDecimal(timestampMillis % 1000, minimumWidth: 3)
                            cursor.put(UInt8(ascii: "Z"))
                        } else {
                            cursor.putTimestamp(millis: timestampMillis)
                        }
                        cursor.put(UInt8(ascii: "\""))
                    } else {
                        cursor.put("null")
                    }
                    cursor.put(UnsafeRawBufferPointer(rebasing: identity[headCount...]))
                    data.write(to: &cursor)
                    rpc?.write(to: &cursor)
                    cursor.put("}\n")
                }
            }
        }
    }

    private func identityMatches(topic: String, key: UnsafeRawBufferPointer?) -> Bool {
        guard topic == identityTopic else { return false }
        switch (key, identityKey) {
        case (nil, nil): return true
        case (let key?, let known?):
            guard known.count == key.count else { return false }
            return known.withUnsafeBytes { known in
                for index in 0..<key.count where known[index] != key[index] { return false }
                return true
            }
        default: return false
        }
    }

    /// The event, topic, key and type parts for this topic and key, kept until a
    /// message with another topic or key comes.
    private mutating func makeIdentity(topic: String, key: UnsafeRawBufferPointer?, type: PayloadType?) {
        var bytes: [UInt8] = []
        JSONWriter.withUTF8(of: topic) { topic in
            let keyLength = key?.count ?? 0
            bytes.appendBytes(
                upTo: 64 + JSONWriter.escapedBound(Swift.max(keyLength, topic.count))
                    + JSONWriter.escapedBound(topic.count)
            ) { cursor in
                cursor.put("{\"event\":")
                if let key, type != nil {
                    cursor.putLossyJSONString(UnsafeRawBufferPointer(rebasing: key[2...]))
                } else if topic.starts(with: HyphaTopic.eventPrefix.utf8) {
                    cursor.putJSONString(
                        utf8: UnsafeRawBufferPointer(rebasing: topic[HyphaTopic.eventPrefix.utf8.count...]))
                } else {
                    cursor.putJSONString(utf8: topic)
                }
                cursor.put(",\"topic\":")
                cursor.putJSONString(utf8: topic)
                cursor.put(",\"partition\":")
            }
            headCount = bytes.count
            bytes.appendBytes(upTo: 64 + JSONWriter.escapedBound(keyLength)) { cursor in
                cursor.put(",\"key\":")
                if let key {
                    cursor.putLossyJSONString(key)
                } else {
                    cursor.put("null")
                }
                switch type {
                case .json: cursor.put(",\"type\":\"d\"")
                case .text: cursor.put(",\"type\":\"s\"")
                case .bytes: cursor.put(",\"type\":\"b\"")
                case nil: cursor.put(",\"type\":null")
                }
            }
        }
        identityBytes = bytes
        identityTopic = topic
        identityKey = key.map { Array($0) }
    }

    /// `2026-11-27T09:31:21.` for the second of `millis` (at or after the epoch).
    private mutating func makeSecond(millis: Int64) {
        second = millis / 1000
        secondBytes.removeAll(keepingCapacity: true)
        WireTimestamp.append(millis: second * 1000, to: &secondBytes)
        secondBytes.removeLast(4) // "000Z"
    }

    /// Room for everything but the strings and the data: field names, punctuation,
    /// two numbers of at most 20 characters, a timestamp and the `data` field's name.
    private static let fixedPartsBound = 128 + 2 * 20 + WireTimestamp.maximumLength

    /// What goes after `"type":…`, decided before anything is written so the record's
    /// length can be bounded.
    private enum RecordData {
        /// `"data":null`.
        case none
        /// A valid `d:` value, trimmed; `hasLineBreak` when it must lose its whitespace.
        case json(UnsafeRawBufferPointer, hasLineBreak: Bool)
        /// Well-formed UTF-8 text.
        case text(UnsafeRawBufferPointer)
        /// `b:` bytes.
        case bytes(UnsafeRawBufferPointer)
        /// A value that is not what its key says.
        case invalid(reason: String, raw: UnsafeRawBufferPointer)

        @inline(__always)
        init(type: PayloadType?, value: UnsafeRawBufferPointer?) {
            guard let value else {
                self = .none
                return
            }
            switch type {
            case .json:
                if let error = JSONValidator.validate(value) {
                    self = .invalid(reason: error.description, raw: value)
                } else {
                    let trimmed = JSONLRecordWriter.trimmingWhitespace(value)
                    self = .json(trimmed, hasLineBreak: JSONLRecordWriter.containsLineBreak(trimmed))
                }
            case .bytes:
                self = .bytes(value)
            case .text, nil:
                if let offset = UTF8Validation.firstInvalidOffset(value) {
                    self = .invalid(reason: UTF8Validation.invalidReason(offset: offset), raw: value)
                } else {
                    self = .text(value)
                }
            }
        }

        /// The most bytes ``write(to:)`` writes beyond what `fixedPartsBound` covers.
        var bound: Int {
            switch self {
            case .none: 0
            case .json(let value, _): value.count
            case .text(let value): JSONWriter.escapedBound(value.count)
            case .bytes(let value): Base64.encodedLength(value.count)
            case .invalid(let reason, let raw):
                JSONWriter.escapedBound(reason.utf8.count) + Base64.encodedLength(raw.count) + 16
            }
        }

        @inline(__always)
        func write(to cursor: inout ByteCursor) {
            switch self {
            case .none:
                cursor.put(",\"data\":null")
            case .json(let value, let hasLineBreak):
                cursor.put(",\"data\":")
                if hasLineBreak {
                    cursor.putWithoutWhitespace(validated: value)
                } else {
                    cursor.put(value)
                }
            case .text(let value):
                cursor.put(",\"data\":")
                cursor.putJSONString(utf8: value)
            case .bytes(let value):
                cursor.put(",\"data\":\"")
                cursor.putBase64(value)
                cursor.put(UInt8(ascii: "\""))
            case .invalid(let reason, let raw):
                cursor.put(",\"error\":")
                JSONWriter.withUTF8(of: reason) { cursor.putJSONString(utf8: $0) }
                cursor.put(",\"raw\":\"")
                cursor.putBase64(raw)
                cursor.put(UInt8(ascii: "\""))
            }
        }
    }

    /// The `rpc` and `body` of a record whose message is an RPC message.
    private struct RPCFields {
        let header: [UInt8]
        let body: [UInt8]

        init?(key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) {
            // A map's first byte is checked first: parsing would read a whole other value before refusing it.
            guard let key, RPCMessage.isMessageEvent(key[2...]), let value, let first = value.first,
                (0x80...0x8f).contains(first) || first == 0xde || first == 0xdf,
                let message = try? RPCMessage.parse(Array(value)), let header = MessagePack.json(message.header)
            else { return nil }
            self.header = header.compactJSON()
            body = message.body
        }

        /// The most bytes ``write(to:)`` writes.
        var bound: Int { 32 + header.count + Base64.encodedLength(body.count) }

        func write(to cursor: inout ByteCursor) {
            cursor.put(",\"rpc\":")
            cursor.put(header)
            cursor.put(",\"body\":\"")
            body.withUnsafeBytes { cursor.putBase64($0) }
            cursor.put(UInt8(ascii: "\""))
        }
    }

    /// Whether `bytes` hold a line feed or carriage return (in valid JSON, only
    /// whitespace between tokens can).
    @inline(__always)
    fileprivate static func containsLineBreak(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let end = bytes.count
        var i = 0
        while i + 8 <= end {
            let word = JSONBytes.word(bytes, at: i)
            if JSONBytes.bytesBelow(1, in: word ^ 0x0a0a_0a0a_0a0a_0a0a)
                | JSONBytes.bytesBelow(1, in: word ^ 0x0d0d_0d0d_0d0d_0d0d) != 0
            {
                return true
            }
            i += 8
        }
        while i < end {
            if bytes[i] == 0x0a || bytes[i] == 0x0d { return true }
            i += 1
        }
        return false
    }

    /// `bytes` without JSON whitespace at either end.
    @inline(__always)
    fileprivate static func trimmingWhitespace(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, JSONBytes.isWhitespace(bytes[start]) { start += 1 }
        while end > start, JSONBytes.isWhitespace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }
}
