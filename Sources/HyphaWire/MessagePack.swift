// SPDX-License-Identifier: Apache-2.0
import Foundation

/// MessagePack (Hypha's RPC messages travel as msgpack inside `b:` values),
/// shown as JSON. Bytes become base64 strings; ext values `{"$ext": type, "data": base64}`.
/// A map key that is not a string is named by its compact JSON; an array or map
/// key is refused (Python's msgpack, by default, accepts only str and bytes keys).
public enum MessagePack {
    /// The JSON form of `bytes` when they are exactly one msgpack value; nil otherwise.
    public static func json(_ bytes: [UInt8]) -> JSONValue? {
        var reader = Reader(bytes: bytes)
        guard let value = reader.value(depth: 0), reader.index == bytes.count else { return nil }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, index + count <= bytes.count else { return nil }
            defer { index += count }
            return bytes[index..<index + count]
        }

        mutating func unsigned(_ width: Int) -> UInt64? {
            take(width).map { $0.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard depth < 512, let first = take(1)?.first else { return nil }
            switch first {
            case 0x00...0x7f: return .number(String(first))
            case 0xe0...0xff: return .number(String(Int8(bitPattern: first)))
            case 0x80...0x8f: return map(Int(first & 0x0f), depth: depth)
            case 0x90...0x9f: return array(Int(first & 0x0f), depth: depth)
            case 0xa0...0xbf: return string(Int(first & 0x1f))
            case 0xc0: return .null
            case 0xc2: return .bool(false)
            case 0xc3: return .bool(true)
            case 0xc4, 0xc5, 0xc6:
                guard let count = unsigned(1 << Int(first - 0xc4)), let data = take(Int(count)) else { return nil }
                return .string(Data(data).base64EncodedString())
            case 0xc7, 0xc8, 0xc9:
                guard let count = unsigned(1 << Int(first - 0xc7)) else { return nil }
                return ext(Int(count))
            case 0xca:
                guard let raw = unsigned(4) else { return nil }
                return number(Double(Float(bitPattern: UInt32(raw))))
            case 0xcb:
                guard let raw = unsigned(8) else { return nil }
                return number(Double(bitPattern: raw))
            case 0xcc, 0xcd, 0xce, 0xcf:
                return unsigned(1 << Int(first - 0xcc)).map { .number(String($0)) }
            case 0xd0, 0xd1, 0xd2, 0xd3:
                let width = 1 << Int(first - 0xd0)
                guard let raw = unsigned(width) else { return nil }
                let shift = UInt64(64 - width * 8)
                return .number(String(Int64(bitPattern: raw << shift) >> Int64(shift)))
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

        mutating func string(_ count: Int) -> JSONValue? {
            guard let data = take(count), let text = String(validating: data, as: UTF8.self) else { return nil }
            return .string(text)
        }

        mutating func ext(_ count: Int) -> JSONValue? {
            guard let type = take(1)?.first, let data = take(count) else { return nil }
            return .object([
                ("$ext", .number(String(Int8(bitPattern: type)))), ("data", .string(Data(data).base64EncodedString())),
            ])
        }

        mutating func array(_ count: Int, depth: Int) -> JSONValue? {
            guard count <= bytes.count - index else { return nil }
            var items: [JSONValue] = []
            for _ in 0..<count {
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
            }
            return .array(items)
        }

        mutating func map(_ count: Int, depth: Int) -> JSONValue? {
            guard count <= (bytes.count - index) / 2 else { return nil }
            var fields: [(String, JSONValue)] = []
            for _ in 0..<count {
                // A container key would be named by its JSON text, keys inside it escaped
                // once more per level: nested keys would double the output at each level.
                guard index < bytes.count, !Self.isContainer(bytes[index]) else { return nil }
                guard let key = value(depth: depth + 1), let item = value(depth: depth + 1) else { return nil }
                let name: String =
                    if case .string(let text) = key { text } else { String(decoding: key.compactJSON(), as: UTF8.self) }
                fields.append((name, item))
            }
            return .object(fields)
        }

        /// Whether a value starting with `first` is an array or a map.
        static func isContainer(_ first: UInt8) -> Bool {
            (0x80...0x9f).contains(first) || (0xdc...0xdf).contains(first)
        }

        func number(_ value: Double) -> JSONValue {
            value.isFinite
                ? .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) + ".0" : String(value))
                : .string(String(value))
        }
    }
}
