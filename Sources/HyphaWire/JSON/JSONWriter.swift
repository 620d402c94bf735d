// SPDX-License-Identifier: Apache-2.0
/// Writes ``JSONValue``s and JSON strings as bytes.
enum JSONWriter {
    private static let hexDigits: StaticString = "0123456789abcdef"

    // MARK: Python's json.dumps defaults

    /// `value` as Python's `json.dumps(value)` writes it.
    static func writePython(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: appendLiteral("null", to: &out)
        case .bool(true): appendLiteral("true", to: &out)
        case .bool(false): appendLiteral("false", to: &out)
        case .number(let lexeme): out.append(contentsOf: lexeme.utf8)
        case .string(let text): appendPythonString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { appendLiteral(", ", to: &out) }
                writePython(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (name, item)) in members.enumerated() {
                if index > 0 { appendLiteral(", ", to: &out) }
                appendPythonString(name, to: &out)
                appendLiteral(": ", to: &out)
                writePython(item, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A string as Python's `ensure_ascii` encoder writes it: only `' '`…`'~'` raw
    /// (minus `"` and `\`), everything else escaped, lowercase hex.
    static func appendPythonString(_ text: String, to out: inout [UInt8]) {
        // Each scalar of n UTF-8 bytes becomes at most 6 * n bytes (`\u00XX` for one
        // byte, one `\uXXXX` for two or three, a surrogate pair for four).
        out.appendBytes(upTo: escapedBound(text.utf8.count)) { cursor in
            cursor.put(UInt8(ascii: "\""))
            for scalar in text.unicodeScalars {
                let value = scalar.value
                switch value {
                case 0x22: cursor.put("\\\"")
                case 0x5c: cursor.put("\\\\")
                case 0x0a: cursor.put("\\n")
                case 0x0d: cursor.put("\\r")
                case 0x09: cursor.put("\\t")
                case 0x08: cursor.put("\\b")
                case 0x0c: cursor.put("\\f")
                case 0x20...0x7e: cursor.put(UInt8(value))
                case 0..<0x10000: cursor.putUnicodeEscape(UInt16(value))
                default:
                    let offset = value - 0x10000
                    cursor.putUnicodeEscape(UInt16(0xd800 + (offset >> 10)))
                    cursor.putUnicodeEscape(UInt16(0xdc00 + (offset & 0x3ff)))
                }
            }
            cursor.put(UInt8(ascii: "\""))
        }
    }

    // MARK: Compact

    /// `value` with `,` and `:` separators and raw UTF-8.
    static func writeCompact(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: appendLiteral("null", to: &out)
        case .bool(true): appendLiteral("true", to: &out)
        case .bool(false): appendLiteral("false", to: &out)
        case .number(let lexeme): out.append(contentsOf: lexeme.utf8)
        case .string(let text): appendCompactString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeCompact(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (name, item)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendCompactString(name, to: &out)
                out.append(UInt8(ascii: ":"))
                writeCompact(item, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `text` as a JSON string with raw UTF-8 (see ``ByteCursor/putJSONString(utf8:)``).
    static func appendCompactString(_ text: String, to out: inout [UInt8]) {
        withUTF8(of: text) { appendCompactString(utf8: $0, to: &out) }
    }

    /// Well-formed UTF-8 `bytes` as a JSON string (see ``ByteCursor/putJSONString(utf8:)``).
    static func appendCompactString(utf8 bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.appendBytes(upTo: escapedBound(bytes.count)) { $0.putJSONString(utf8: bytes) }
    }

    /// The most bytes ``ByteCursor/putJSONString(utf8:)`` or
    /// ``ByteCursor/putLossyJSONString(_:)`` write for `byteCount` input bytes: each
    /// byte becomes at most six (`\u00XX`, or U+FFFD's three), plus the quotes.
    @inline(__always)
    static func escapedBound(_ byteCount: Int) -> Int {
        6 * byteCount + 2
    }

    /// Runs `body` on the UTF-8 of `text`, without copying a native string.
    @inline(__always)
    static func withUTF8<R>(of text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(text.utf8).withUnsafeBytes(body)
    }

    // MARK: Pieces

    /// Appends the bytes of a literal.
    @inline(__always)
    static func appendLiteral(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    fileprivate static var hexDigitTable: UnsafePointer<UInt8> { hexDigits.utf8Start }
}

extension ByteCursor {
    /// Well-formed UTF-8 `bytes` as a JSON string: `"` and `\` escaped, control
    /// characters as `\n`-style or `\u00XX` escapes, everything else (DEL and
    /// non-ASCII included) copied as is. At most ``JSONWriter/escapedBound(_:)`` bytes.
    mutating func putJSONString(utf8 bytes: UnsafeRawBufferPointer) {
        put(UInt8(ascii: "\""))
        let end = bytes.count
        var runStart = 0
        var i = 0
        while i < end {
            if i + 8 <= end {
                let stops = JSONBytes.stringStopMask(JSONBytes.word(bytes, at: i))
                if stops == 0 {
                    i += 8
                    continue
                }
                i += stops.trailingZeroBitCount >> 3
            }
            let byte = bytes[i]
            if byte >= 0x20, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            put(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
            switch byte {
            case UInt8(ascii: "\""): put("\\\"")
            case UInt8(ascii: "\\"): put("\\\\")
            case 0x0a: put("\\n")
            case 0x0d: put("\\r")
            case 0x09: put("\\t")
            case 0x08: put("\\b")
            case 0x0c: put("\\f")
            default: putUnicodeEscape(UInt16(byte))
            }
            i += 1
            runStart = i
        }
        put(UnsafeRawBufferPointer(rebasing: bytes[runStart..<end]))
        put(UInt8(ascii: "\""))
    }

    /// Any `bytes` as a JSON string, with each ill-formed UTF-8 sequence replaced by
    /// U+FFFD (the same replacements as `String(decoding:as:)`). At most
    /// ``JSONWriter/escapedBound(_:)`` bytes.
    mutating func putLossyJSONString(_ bytes: UnsafeRawBufferPointer) {
        if UTF8Validation.firstInvalidOffset(bytes) == nil {
            putJSONString(utf8: bytes)
        } else {
            JSONWriter.withUTF8(of: String(decoding: bytes, as: UTF8.self)) { putJSONString(utf8: $0) }
        }
    }

    /// Valid JSON `bytes` without the whitespace between tokens (at most `bytes.count` bytes).
    mutating func putWithoutWhitespace(validated bytes: UnsafeRawBufferPointer) {
        let end = bytes.count
        var i = 0
        var runStart = 0
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                // Copy the string through; inside it whitespace is content.
                i += 1
                while bytes[i] != UInt8(ascii: "\"") {
                    i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i += 1
            } else if JSONBytes.isWhitespace(byte) {
                put(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                i += 1
                runStart = i
            } else {
                i += 1
            }
        }
        put(UnsafeRawBufferPointer(rebasing: bytes[runStart..<end]))
    }

    /// `\uXXXX` with lowercase hex digits.
    @inline(__always)
    mutating func putUnicodeEscape(_ unit: UInt16) {
        let digits = JSONWriter.hexDigitTable
        put(UInt8(ascii: "\\"))
        put(UInt8(ascii: "u"))
        put(digits[Int(unit >> 12)])
        put(digits[Int(unit >> 8 & 0xf)])
        put(digits[Int(unit >> 4 & 0xf)])
        put(digits[Int(unit & 0xf)])
    }
}
