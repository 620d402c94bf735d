// SPDX-License-Identifier: Apache-2.0
/// A JSON value that keeps object key order and number lexemes (so re-serialising never changes a number).
///
/// Equality is structural and exact: object members compare in order, numbers by
/// their text (`1.0` and `1` differ), as the bytes on the wire would.
public indirect enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as the text it was written as (for example `-1.50e3`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object: its members in the order they appeared, duplicates kept.
    case object([(String, JSONValue)])

    /// Strict RFC 8259 parser (any top-level value, surrounding whitespace allowed); nesting depth limited to 512.
    ///
    /// Accepts exactly what ``JSONValidator`` accepts and fails with the same error.
    /// A `\u` escape of a lone surrogate (valid JSON, but not a Unicode scalar) becomes
    /// U+FFFD, since a Swift `String` cannot hold it.
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONValue {
        if let error = JSONValidator.validate(bytes) { throw error }
        return JSONTreeBuilder.build(validated: bytes)
    }

    /// Parses the UTF-8 of `text`, as ``parse(_:)-(UnsafeRawBufferPointer)`` does.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(JSONSyntaxError) -> JSONValue in
                try parse(UnsafeRawBufferPointer(buffer))
            }
        }
        return try result.get()
    }

    /// Serialised exactly as Python's `json.dumps` defaults: `", "` and `": "` separators,
    /// `ensure_ascii` (non-ASCII as `\uXXXX`, surrogate pairs above U+FFFF, lowercase hex
    /// like Python), escapes `\"` `\\` `\n` `\r` `\t` `\b` `\f` and every other character
    /// outside `' '`…`'~'` as `\u00XX`, DEL (0x7f) included, as CPython does; `/` not escaped.
    /// Numbers are written as their kept text.
    ///
    /// Writing recurses once per nesting level (values from ``parse(_:)-(UnsafeRawBufferPointer)``
    /// are at most 512 deep).
    public func pythonJSON() -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.writePython(self, to: &out)
        return out
    }

    /// Compact form (",", ":" separators), UTF-8 kept as is, control characters escaped. For output to people and jsonl.
    ///
    /// `"` and `\` are escaped too; DEL and everything from U+0080 up go out raw.
    public func compactJSON() -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.writeCompact(self, to: &out)
        return out
    }

    /// Whether this is an object (the only kind of value the Python server sends as `d:`).
    public var isObject: Bool {
        if case .object = self { true } else { false }
    }

    /// Equal when both have the same kind and the same contents, in the same order.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null):
            true
        case (.bool(let a), .bool(let b)):
            a == b
        case (.number(let a), .number(let b)):
            a == b
        case (.string(let a), .string(let b)):
            a == b
        case (.array(let a), .array(let b)):
            a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default:
            false
        }
    }
}

/// Builds a ``JSONValue`` from bytes ``JSONValidator`` has already accepted, so it
/// checks nothing and keeps its own stack (no recursion on nesting).
enum JSONTreeBuilder {
    private enum OpenContainer {
        case array([JSONValue])
        case object([(String, JSONValue)], pendingName: String)
    }

    static func build(validated b: UnsafeRawBufferPointer) -> JSONValue {
        let end = b.count
        var scratch: [UInt8] = []
        var open: [OpenContainer] = []
        var i = 0

        valueLoop: while true {
            i = JSONBytes.skipWhitespace(b, from: i, end: end)
            var value: JSONValue
            switch b[i] {
            case UInt8(ascii: "\""):
                value = .string(readString(b, at: &i, scratch: &scratch))
            case UInt8(ascii: "{"):
                i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
                if b[i] == UInt8(ascii: "}") {
                    i += 1
                    value = .object([])
                } else {
                    open.append(.object([], pendingName: readMemberName(b, at: &i, scratch: &scratch)))
                    continue valueLoop
                }
            case UInt8(ascii: "["):
                i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
                if b[i] == UInt8(ascii: "]") {
                    i += 1
                    value = .array([])
                } else {
                    open.append(.array([]))
                    continue valueLoop
                }
            case UInt8(ascii: "t"):
                i += 4
                value = .bool(true)
            case UInt8(ascii: "f"):
                i += 5
                value = .bool(false)
            case UInt8(ascii: "n"):
                i += 4
                value = .null
            default:
                let start = i
                while i < end, isNumberByte(b[i]) { i += 1 }
                value = .number(String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
            }

            // Hand the finished value to its container, closing containers that end here.
            while true {
                i = JSONBytes.skipWhitespace(b, from: i, end: end)
                guard let container = open.popLast() else { return value }
                let continues = b[i] == UInt8(ascii: ",")
                i += 1
                switch container {
                case .array(var items):
                    items.append(value)
                    if continues {
                        open.append(.array(items))
                        continue valueLoop
                    }
                    value = .array(items)
                case .object(var members, let name):
                    members.append((name, value))
                    if continues {
                        i = JSONBytes.skipWhitespace(b, from: i, end: end)
                        open.append(.object(members, pendingName: readMemberName(b, at: &i, scratch: &scratch)))
                        continue valueLoop
                    }
                    value = .object(members)
                }
            }
        }
    }

    @inline(__always)
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        JSONBytes.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte | 0x20 == UInt8(ascii: "e")
    }

    /// A member name at `i` and the `:` after it; `i` ends after the `:`.
    private static func readMemberName(_ b: UnsafeRawBufferPointer, at i: inout Int, scratch: inout [UInt8]) -> String {
        let name = readString(b, at: &i, scratch: &scratch)
        i = JSONBytes.skipWhitespace(b, from: i, end: b.count) + 1
        return name
    }

    /// The string whose `"` is at `i`; `i` ends after its closing `"`.
    private static func readString(_ b: UnsafeRawBufferPointer, at i: inout Int, scratch: inout [UInt8]) -> String {
        i += 1
        let start = i
        while b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i += 1 }
        if b[i] == UInt8(ascii: "\"") {
            i += 1
            return String(decoding: UnsafeRawBufferPointer(rebasing: b[start..<i - 1]), as: UTF8.self)
        }

        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[start..<i]))
        while true {
            let byte = b[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: scratch, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\") else {
                scratch.append(byte)
                i += 1
                continue
            }
            let escaped = b[i + 1]
            i += 2
            switch escaped {
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0c)
            case UInt8(ascii: "n"): scratch.append(0x0a)
            case UInt8(ascii: "r"): scratch.append(0x0d)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(b, at: i)
                i += 4
                if (0xd800...0xdbff).contains(code),
                    b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                    case let low = hex4(b, at: i + 2), (0xdc00...0xdfff).contains(low)
                {
                    code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
                    i += 6
                }
                appendUTF8(Unicode.Scalar(code) ?? "\u{FFFD}", to: &scratch)
            default:
                // `"`, `\` and `/` stand for themselves.
                scratch.append(escaped)
            }
        }
    }

    private static func hex4(_ b: UnsafeRawBufferPointer, at i: Int) -> UInt32 {
        var code: UInt32 = 0
        for k in i..<i + 4 { code = code << 4 | (JSONBytes.hexValue(b[k]) ?? 0) }
        return code
    }

    private static func appendUTF8(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        UTF8.encode(scalar) { out.append($0) }
    }
}
