// SPDX-License-Identifier: Apache-2.0

/// MessagePack (Hypha's RPC messages travel as msgpack inside `b:` values): read
/// into ``MessagePackValue``, written back (``encode(_:)``), and shown as JSON.
///
/// As JSON, bytes become base64 strings; ext values `{"$ext": type, "data": base64}`.
/// A map key that is not a string is named by its compact JSON; an array or map
/// key is refused (Python's msgpack, by default, accepts only str and bytes keys).
public enum MessagePack {
    /// The value `bytes` hold when they are exactly one msgpack value; nil otherwise
    /// (truncated, trailing bytes, the unused byte `0xc1`, a `str` that is not UTF-8,
    /// nesting deeper than 512).
    public static func decode(_ bytes: [UInt8]) -> MessagePackValue? {
        guard let first = decodeFirst(bytes), first.count == bytes.count else { return nil }
        return first.value
    }

    /// The msgpack value `bytes` start with and how many bytes it takes; what follows
    /// it is left unread. Nil when they do not start with a whole value.
    public static func decodeFirst(_ bytes: [UInt8]) -> FirstValue? {
        var reader = Reader(bytes: bytes)
        return reader.value(depth: 0).map { FirstValue(value: $0, count: reader.index) }
    }

    /// A msgpack value at the start of some bytes, and how many of them it takes.
    public struct FirstValue: Sendable, Equatable {
        /// The value.
        public var value: MessagePackValue
        /// How many bytes it takes: the rest start at this offset.
        public var count: Int

        /// `value`, taking the first `count` bytes.
        public init(value: MessagePackValue, count: Int) {
            self.value = value
            self.count = count
        }
    }

    /// The JSON form of `bytes` when they are exactly one msgpack value; nil otherwise.
    public static func json(_ bytes: [UInt8]) -> JSONValue? {
        decode(bytes).flatMap(json)
    }

    /// The JSON form of a value; nil when a map in it has an array or map as a key.
    public static func json(_ value: MessagePackValue) -> JSONValue? {
        switch value {
        case .nil: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .number(String(number))
        case .uint(let number): return .number(String(number))
        case .float(let number): return jsonNumber(Double(number))
        case .double(let number): return jsonNumber(number)
        case .string(let text): return .string(text)
        case .binary(let bytes): return .string(Base64.encode(bytes))
        case .ext(let type, let data):
            return .object([("$ext", .number(String(type))), ("data", .string(Base64.encode(data)))])
        case .array(let items):
            var converted: [JSONValue] = []
            converted.reserveCapacity(items.count)
            for item in items {
                guard let json = json(item) else { return nil }
                converted.append(json)
            }
            return .array(converted)
        case .map(let entries):
            var fields: [(String, JSONValue)] = []
            fields.reserveCapacity(entries.count)
            for (key, item) in entries {
                // A container key would be named by its JSON text, keys inside it escaped
                // once more per level: nested keys would double the output at each level.
                guard !key.isContainer, let name = json(key), let item = json(item) else { return nil }
                let text: String =
                    if case .string(let text) = name { text } else {
                        String(decoding: name.compactJSON(), as: UTF8.self)
                    }
                fields.append((text, item))
            }
            return .object(fields)
        }
    }

    private static func jsonNumber(_ value: Double) -> JSONValue {
        value.isFinite
            ? .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) + ".0" : String(value))
            : .string(String(value))
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, count <= bytes.count - index else { return nil }
            defer { index += count }
            return bytes[index..<index + count]
        }

        mutating func unsigned(_ width: Int) -> UInt64? {
            take(width).map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }

        mutating func value(depth: Int) -> MessagePackValue? {
            guard depth < 512, let first = take(1)?.first else { return nil }
            switch first {
            case 0x00...0x7f: return .int(Int64(first))
            case 0xe0...0xff: return .int(Int64(Int8(bitPattern: first)))
            case 0x80...0x8f: return map(Int(first & 0x0f), depth: depth)
            case 0x90...0x9f: return array(Int(first & 0x0f), depth: depth)
            case 0xa0...0xbf: return string(Int(first & 0x1f))
            case 0xc0: return .nil
            case 0xc2: return .bool(false)
            case 0xc3: return .bool(true)
            case 0xc4, 0xc5, 0xc6:
                guard let count = unsigned(1 << Int(first - 0xc4)), let data = take(Int(count)) else { return nil }
                return .binary(Array(data))
            case 0xc7, 0xc8, 0xc9:
                guard let count = unsigned(1 << Int(first - 0xc7)) else { return nil }
                return ext(Int(count))
            case 0xca:
                return unsigned(4).map { .float(Float(bitPattern: UInt32($0))) }
            case 0xcb:
                return unsigned(8).map { .double(Double(bitPattern: $0)) }
            case 0xcc, 0xcd, 0xce, 0xcf:
                return unsigned(1 << Int(first - 0xcc)).map { $0 <= UInt64(Int64.max) ? .int(Int64($0)) : .uint($0) }
            case 0xd0, 0xd1, 0xd2, 0xd3:
                let width = 1 << Int(first - 0xd0)
                guard let raw = unsigned(width) else { return nil }
                let shift = UInt64(64 - width * 8)
                return .int(Int64(bitPattern: raw << shift) >> Int64(shift))
            case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: return ext(1 << Int(first - 0xd4))
            case 0xd9, 0xda, 0xdb:
                guard let count = unsigned(1 << Int(first - 0xd9)) else { return nil }
                return string(Int(count))
            case 0xdc, 0xdd:
                guard let count = unsigned(first == 0xdc ? 2 : 4) else { return nil }
                return array(Int(count), depth: depth)
            case 0xde, 0xdf:
                guard let count = unsigned(first == 0xde ? 2 : 4) else { return nil }
                return map(Int(count), depth: depth)
            default: return nil // 0xc1 is never used
            }
        }

        mutating func string(_ count: Int) -> MessagePackValue? {
            guard let data = take(count), let text = String(validating: data, as: UTF8.self) else { return nil }
            return .string(text)
        }

        mutating func ext(_ count: Int) -> MessagePackValue? {
            guard let type = take(1)?.first, let data = take(count) else { return nil }
            return .ext(type: Int8(bitPattern: type), data: Array(data))
        }

        mutating func array(_ count: Int, depth: Int) -> MessagePackValue? {
            guard count <= bytes.count - index else { return nil }
            var items: [MessagePackValue] = []
            items.reserveCapacity(count)
            for _ in 0..<count {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .array(items)
        }

        mutating func map(_ count: Int, depth: Int) -> MessagePackValue? {
            guard count <= (bytes.count - index) / 2 else { return nil }
            var entries: [(key: MessagePackValue, value: MessagePackValue)] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                guard let key = value(depth: depth + 1), let item = value(depth: depth + 1) else { return nil }
                entries.append((key, item))
            }
            return .map(entries)
        }
    }
}

extension MessagePackValue {
    /// Whether this is an array or a map.
    var isContainer: Bool {
        switch self {
        case .array, .map: true
        default: false
        }
    }
}
