// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaWire

// One Kafka message, read by everything that reads message values: the decoder
// (`DecodedEvent`), the tail jsonl writer (`JSONLRecord`), the JSON reader and
// validator, and the msgpack reader. Each must take any bytes, and they must agree.
//
// The input, in order:
//   byte 0      flags: 0x01 the message has a key, 0x02 a value, 0x04 a timestamp,
//               0x08 a partition and an offset (else both 0)
//   byte 1      the topic's length in bytes
//   byte 2      the key's length in bytes (read only with flag 0x01)
//   12 bytes    partition (Int32) and offset (Int64), big-endian, with flag 0x08
//   8 bytes     timestamp in milliseconds (Int64), big-endian, with flag 0x04
//   the topic's bytes (read as UTF-8, ill-formed bytes replaced), the key's bytes,
//   then the value: everything left.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventRecord(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let flags = input.byte()
    let topicLength = Int(input.byte())
    let keyLength = flags & 0x01 != 0 ? Int(input.byte()) : nil
    let partition = flags & 0x08 != 0 ? input.integer(Int32.self) : 0
    let offset = flags & 0x08 != 0 ? input.integer(Int64.self) : 0
    let timestamp = flags & 0x04 != 0 ? input.integer(Int64.self) : nil
    let topic = String(decoding: input.bytes(topicLength), as: UTF8.self)
    let key = keyLength.map { input.bytes($0) }
    let value = flags & 0x02 != 0 ? input.rest : nil

    let event = DecodedEvent.decode(topic: topic, key: key, value: value)
    var record: [UInt8] = []
    JSONLRecord.append(
        to: &record, topic: topic, partition: partition, offset: offset, timestampMillis: timestamp,
        key: key, value: value)
    checkRecord(record, says: event, topic: topic, partition: partition, offset: offset, timestamp: timestamp, key: key)
    checkDecodedJSON(event, key: key, value: value)
    if let value {
        checkJSONReaders(value)
        checkMessagePack(Array(value))
    }
    return 0
}

/// The jsonl record is one line of valid JSON saying what the decoder says, its
/// fields in the documented order.
private func checkRecord(
    _ record: [UInt8], says event: DecodedEvent, topic: String, partition: Int32, offset: Int64,
    timestamp: Int64?, key: UnsafeRawBufferPointer?
) {
    invariant(record.last == UInt8(ascii: "\n"), "the record does not end in a line feed")
    invariant(
        record.filter { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }.count == 1,
        "the record is not exactly one line")
    guard let fields = recordFields(record.dropLast()) else {
        fatalError("the record is not a JSON object: \(String(decoding: record, as: UTF8.self))")
    }
    var expected: [(String, JSONValue)] = [
        ("event", .string(event.event)),
        ("topic", .string(topic)),
        ("partition", .number(String(partition))),
        ("offset", .number(String(offset))),
        ("timestamp", timestamp.map { .string(WireTimestamp.iso8601(millis: $0)) } ?? .null),
        ("key", key.map { .string(String(decoding: $0, as: UTF8.self)) } ?? .null),
        ("type", event.type.map { .string($0.rawValue) } ?? .null),
    ]
    switch event.data {
    case .json(let value): expected.append(("data", value))
    case .text(let text): expected.append(("data", .string(text)))
    case .bytes(let bytes): expected.append(("data", .string(Data(bytes).base64EncodedString())))
    case .none: expected.append(("data", .null))
    case .invalid(let reason, let raw):
        expected.append(("error", .string(reason)))
        expected.append(("raw", .string(Data(raw).base64EncodedString())))
    }
    if case .bytes(let bytes) = event.data, let message = RPCMessage.carried(byEvent: event.event, bytes) {
        guard let header = MessagePack.json(message.header) else { fatalError("an RPC header without a JSON form") }
        expected.append(("rpc", header))
        expected.append(("body", .string(Data(message.body).base64EncodedString())))
    }
    invariant(
        JSONValue.object(fields) == .object(expected),
        "the record \(String(decoding: record, as: UTF8.self)) does not say what the decoder says: \(expected)")
    if let timestamp { checkTimestamp(WireTimestamp.iso8601(millis: timestamp), millis: timestamp) }
}

/// The record's fields, its `data` read on its own: a value as deep as the JSON
/// reader allows is one level deeper inside the record. Nil when not JSON.
private func recordFields(_ line: ArraySlice<UInt8>) -> [(String, JSONValue)]? {
    // A b: record (the only kind with fields after data) is never that deep.
    if case .object(let fields)? = parse(line) { return fields }
    // Quotes inside strings are escaped, so the first `,"data":` starts the field.
    let marker = Array(#","data":"#.utf8)
    let start = line.indices.first { line[$0...].starts(with: marker) }
    let envelope = start.map { line[..<$0] + [UInt8(ascii: "}")] } ?? line
    guard case .object(var fields)? = parse(envelope) else { return nil }
    if let start {
        guard line.last == UInt8(ascii: "}"), let data = parse(line[(start + marker.count)..<(line.endIndex - 1)])
        else {
            return nil
        }
        fields.append(("data", data))
    }
    return fields
}

private func parse(_ bytes: ArraySlice<UInt8>) -> JSONValue? {
    bytes.withUnsafeBytes { try? JSONValue.parse($0) }
}

/// Under `d:`, a value the validator accepts decodes as that JSON, and one it
/// refuses decodes as invalid with the validator's reason.
private func checkDecodedJSON(_ event: DecodedEvent, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?) {
    guard let key, key.starts(with: "d:".utf8), let value else { return }
    invariant(event.type == .json, "a d: key does not give the JSON type")
    if let error = JSONValidator.validate(value) {
        invariant(
            event.data == .invalid(reason: error.description, raw: Array(value)),
            "JSON the validator refuses (\(error)) decodes as \(event.data)")
    } else {
        guard case .json(let decoded) = event.data else {
            fatalError("JSON the validator accepts decodes as \(event.data)")
        }
        invariant((try? JSONValue.parse(value)) == decoded, "the decoder and the JSON reader disagree")
    }
}

/// The validator and the reader accept the same values, and whatever the reader
/// builds is written back (compact and Python's way) as JSON that reads back the same.
private func checkJSONReaders(_ value: UnsafeRawBufferPointer) {
    let validation = JSONValidator.validate(value)
    let parsed: JSONValue
    do {
        parsed = try JSONValue.parse(value)
    } catch {
        invariant(
            validation == error, "the reader fails with \(error), the validator with \(String(describing: validation))")
        return
    }
    invariant(validation == nil, "the reader accepts what the validator refuses: \(String(describing: validation))")
    checkWritesBack(parsed)
}

/// The msgpack reader's JSON is valid JSON that reads back as the same value.
private func checkMessagePack(_ bytes: [UInt8]) {
    guard let value = MessagePack.json(bytes) else { return }
    checkWritesBack(value)
}

/// `value`'s compact and Python forms are valid JSON that reads back as `value`;
/// the Python form is pure ASCII.
private func checkWritesBack(_ value: JSONValue) {
    let compact = value.compactJSON()
    let python = value.pythonJSON()
    invariant(python.allSatisfy { $0 < 0x80 }, "Python's form is not ASCII: \(String(decoding: python, as: UTF8.self))")
    for written in [compact, python] {
        let reread = written.withUnsafeBytes { bytes in
            Result { () throws(JSONSyntaxError) in try JSONValue.parse(bytes) }
        }
        invariant(
            (try? reread.get()) == value,
            "\(String(decoding: written, as: UTF8.self)) reads back as \(reread), not \(value)")
    }
}

/// The timestamp text names the same millisecond, counted back with the inverse
/// of the writer's calendar arithmetic (Howard Hinnant's `days_from_civil`).
private func checkTimestamp(_ text: String, millis: Int64) {
    // [sign]year, then "-MM-DDTHH:MM:SS.mmmZ"; the year is four digits in 0...9999,
    // else signed and at least six digits.
    let bytes = Array(text.utf8)
    let fieldsLength = 20
    invariant(bytes.count > fieldsLength && bytes.count <= 30, "timestamp \(text) has the wrong length")
    let yearText = bytes[..<(bytes.count - fieldsLength)]
    let fields = Array(bytes[(bytes.count - fieldsLength)...])
    let sign = yearText.first.flatMap { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") ? $0 : nil }
    let yearDigits = sign == nil ? yearText : yearText.dropFirst()

    func number(_ digits: ArraySlice<UInt8>) -> Int128 {
        invariant(
            !digits.isEmpty && digits.allSatisfy { (0x30...0x39).contains($0) }, "timestamp \(text) has a bad number")
        return digits.reduce(0) { $0 * 10 + Int128($1 - 0x30) }
    }
    let year = sign == UInt8(ascii: "-") ? -number(yearDigits) : number(yearDigits)
    invariant(
        sign == nil ? yearDigits.count == 4 : yearDigits.count >= 6 && !(0...9999).contains(year),
        "timestamp \(text) writes its year the wrong way")
    for (index, separator) in [(0, "-"), (3, "-"), (6, "T"), (9, ":"), (12, ":"), (15, "."), (19, "Z")] {
        invariant(fields[index] == UInt8(ascii: Unicode.Scalar(separator)!), "timestamp \(text) is malformed")
    }
    let month = number(fields[1..<3])
    let day = number(fields[4..<6])
    let hour = number(fields[7..<9])
    let minute = number(fields[10..<12])
    let second = number(fields[13..<15])
    let milli = number(fields[16..<19])
    invariant((1...12).contains(month) && (1...31).contains(day), "timestamp \(text) has no such date")
    invariant(hour < 24 && minute < 60 && second < 60, "timestamp \(text) has no such time")

    // Int128: near Int64's ends the day's start lies outside Int64.
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468
    let counted = days * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + milli
    invariant(counted == Int128(millis), "timestamp \(text) names \(counted) ms, not \(millis)")
}
