// SPDX-License-Identifier: Apache-2.0
/// Validation without building a tree (fast path for tail): returns nil when the bytes are one valid JSON value (whitespace around allowed), else the error. Must be fast (byte loop, no allocation per char).
///
/// The grammar is RFC 8259's, strictly: no `NaN`/`Infinity`, no leading zeros, no
/// trailing commas, no byte-order mark, strings must be well-formed UTF-8 without raw
/// control characters. `\u` escapes are checked for four hex digits only, so lone
/// surrogates such as `"\ud800"` pass, as the grammar (and Python's `json.loads`) allows.
/// Nesting deeper than 512 arrays/objects is an error; the scan keeps its own stack,
/// so deep input never exhausts the thread's stack.
public enum JSONValidator {
    /// Nil when `bytes` are exactly one valid JSON value, surrounding whitespace
    /// allowed; otherwise the first error found.
    public static func validate(_ bytes: UnsafeRawBufferPointer) -> JSONSyntaxError? {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: JSONLimits.maximumDepth) { openObjects in
            scan(bytes, openObjects: openObjects)
        }
    }

    /// The scan itself. `openObjects[d]` says whether the container at depth `d` is
    /// an object (true) or an array (false).
    private static func scan(_ b: UnsafeRawBufferPointer, openObjects: UnsafeMutableBufferPointer<Bool>)
        -> JSONSyntaxError?
    {
        let end = b.count
        var i = JSONBytes.skipWhitespace(b, from: 0, end: end)
        var depth = 0

        valueLoop: while true {
            // A value starts at `i` (whitespace already skipped).
            guard i < end else { return JSONSyntaxError(offset: end, reason: "unexpected end of input") }
            switch b[i] {
            case UInt8(ascii: "\""):
                if let error = scanString(b, at: &i, end: end) { return error }
            case UInt8(ascii: "{"):
                guard depth < JSONLimits.maximumDepth else { return tooDeep(at: i) }
                openObjects[depth] = true
                depth += 1
                i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
                if i < end, b[i] == UInt8(ascii: "}") {
                    depth -= 1
                    i += 1
                } else {
                    if let error = scanMemberName(b, at: &i, end: end) { return error }
                    continue valueLoop
                }
            case UInt8(ascii: "["):
                guard depth < JSONLimits.maximumDepth else { return tooDeep(at: i) }
                openObjects[depth] = false
                depth += 1
                i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
                if i < end, b[i] == UInt8(ascii: "]") {
                    depth -= 1
                    i += 1
                } else {
                    continue valueLoop
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                if let error = scanNumber(b, at: &i, end: end) { return error }
            case UInt8(ascii: "t"):
                if let error = scanLiteral("true", b, at: &i, end: end) { return error }
            case UInt8(ascii: "f"):
                if let error = scanLiteral("false", b, at: &i, end: end) { return error }
            case UInt8(ascii: "n"):
                if let error = scanLiteral("null", b, at: &i, end: end) { return error }
            default:
                return JSONSyntaxError(offset: i, reason: "expected a value")
            }

            // A value ended just before `i`: close containers until one continues.
            while true {
                i = JSONBytes.skipWhitespace(b, from: i, end: end)
                if depth == 0 {
                    return i == end ? nil : JSONSyntaxError(offset: i, reason: "unexpected data after the value")
                }
                guard i < end else { return JSONSyntaxError(offset: end, reason: "unexpected end of input") }
                let byte = b[i]
                if openObjects[depth - 1] {
                    if byte == UInt8(ascii: ",") {
                        i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
                        if let error = scanMemberName(b, at: &i, end: end) { return error }
                        continue valueLoop
                    } else if byte == UInt8(ascii: "}") {
                        depth -= 1
                        i += 1
                    } else {
                        return JSONSyntaxError(offset: i, reason: "expected ',' or '}'")
                    }
                } else {
                    if byte == UInt8(ascii: ",") {
                        i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
                        continue valueLoop
                    } else if byte == UInt8(ascii: "]") {
                        depth -= 1
                        i += 1
                    } else {
                        return JSONSyntaxError(offset: i, reason: "expected ',' or ']'")
                    }
                }
            }
        }
    }

    private static func tooDeep(at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: offset, reason: "nesting deeper than \(JSONLimits.maximumDepth) levels")
    }

    /// A member's name, the `:` after it and the whitespace after that; `i` ends on
    /// the member's value.
    @inline(__always)
    private static func scanMemberName(_ b: UnsafeRawBufferPointer, at i: inout Int, end: Int) -> JSONSyntaxError? {
        guard i < end else { return JSONSyntaxError(offset: end, reason: "unexpected end of input") }
        guard b[i] == UInt8(ascii: "\"") else { return JSONSyntaxError(offset: i, reason: "expected a string key") }
        if let error = scanString(b, at: &i, end: end) { return error }
        i = JSONBytes.skipWhitespace(b, from: i, end: end)
        guard i < end else { return JSONSyntaxError(offset: end, reason: "unexpected end of input") }
        guard b[i] == UInt8(ascii: ":") else { return JSONSyntaxError(offset: i, reason: "expected ':'") }
        i = JSONBytes.skipWhitespace(b, from: i + 1, end: end)
        return nil
    }

    /// A string starting at the `"` at `i`; `i` ends just after the closing `"`.
    @inline(__always)
    private static func scanString(_ b: UnsafeRawBufferPointer, at i: inout Int, end: Int) -> JSONSyntaxError? {
        i += 1
        while i < end {
            // Eight bytes at a time up to the next control character, quote, backslash or non-ASCII byte.
            if i + 8 <= end {
                let word = JSONBytes.word(b, at: i)
                let stops = JSONBytes.stringStopMask(word) | (word & 0x8080_8080_8080_8080)
                if stops == 0 {
                    i += 8
                    continue
                }
                i += stops.trailingZeroBitCount >> 3
            }
            let byte = b[i]
            if byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
                i += 1
            } else if byte == UInt8(ascii: "\"") {
                i += 1
                return nil
            } else if byte == UInt8(ascii: "\\") {
                guard i + 1 < end else { break }
                switch b[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"),
                    UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    for digit in i + 2..<i + 6 {
                        guard digit < end else { return unterminatedString(end) }
                        guard JSONBytes.hexValue(b[digit]) != nil else {
                            return JSONSyntaxError(offset: digit, reason: "expected four hex digits after \\u")
                        }
                    }
                    i += 6
                default:
                    return JSONSyntaxError(offset: i, reason: "invalid escape")
                }
            } else if byte < 0x20 {
                return JSONSyntaxError(offset: i, reason: "control character in string")
            } else {
                let length = UTF8Validation.sequenceLength(b, at: i, end: end)
                guard length > 0 else { return JSONSyntaxError(offset: i, reason: "invalid UTF-8 in string") }
                i += length
            }
        }
        return unterminatedString(end)
    }

    private static func unterminatedString(_ end: Int) -> JSONSyntaxError {
        JSONSyntaxError(offset: end, reason: "unterminated string")
    }

    /// A number starting at `i` (a `-` or a digit); `i` ends just after it.
    @inline(__always)
    private static func scanNumber(_ b: UnsafeRawBufferPointer, at i: inout Int, end: Int) -> JSONSyntaxError? {
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, JSONBytes.isDigit(b[i]) else {
            return JSONSyntaxError(offset: i, reason: "expected a digit")
        }
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < end, JSONBytes.isDigit(b[i]) {
                return JSONSyntaxError(offset: i, reason: "leading zero in number")
            }
        } else {
            while i < end, JSONBytes.isDigit(b[i]) { i += 1 }
        }
        if i < end, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, JSONBytes.isDigit(b[i]) else {
                return JSONSyntaxError(offset: i, reason: "expected a digit after '.'")
            }
            while i < end, JSONBytes.isDigit(b[i]) { i += 1 }
        }
        if i < end, b[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < end, JSONBytes.isDigit(b[i]) else {
                return JSONSyntaxError(offset: i, reason: "expected a digit in the exponent")
            }
            while i < end, JSONBytes.isDigit(b[i]) { i += 1 }
        }
        return nil
    }

    /// `true`, `false` or `null` at `i`; `i` ends just after it.
    @inline(__always)
    private static func scanLiteral(_ literal: StaticString, _ b: UnsafeRawBufferPointer, at i: inout Int, end: Int)
        -> JSONSyntaxError?
    {
        let count = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        guard i + count <= end else { return JSONSyntaxError(offset: i, reason: "invalid literal") }
        for k in 0..<count where b[i + k] != expected[k] {
            return JSONSyntaxError(offset: i, reason: "invalid literal")
        }
        i += count
        return nil
    }
}

/// Byte classes of the JSON grammar, shared by the readers and writers.
enum JSONBytes {
    /// Whether `byte` is JSON whitespace: space, tab, line feed, carriage return.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09
    }

    /// The first offset at or after `from` that is not JSON whitespace (`end` if none).
    @inline(__always)
    static func skipWhitespace(_ b: UnsafeRawBufferPointer, from: Int, end: Int) -> Int {
        var i = from
        while i < end, isWhitespace(b[i]) { i += 1 }
        return i
    }

    /// Eight bytes of `bytes` from `offset`, the first of them in the lowest bits.
    @inline(__always)
    static func word(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The high bit of each byte of `word` that is below `n` (n ≤ 128).
    ///
    /// The "has a byte less than n" bit trick: exact for the lowest such byte; a
    /// borrow can only mark bytes above one that is truly below `n`.
    @inline(__always)
    static func bytesBelow(_ n: UInt64, in word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101 &* n) & ~word & 0x8080_8080_8080_8080
    }

    /// Marks (high bits) on the bytes of `word` that end a plain run inside a JSON
    /// string: control characters, `"` and `\`. The lowest mark is always exact, so
    /// `trailingZeroBitCount / 8` is the offset of the first such byte.
    @inline(__always)
    static func stringStopMask(_ word: UInt64) -> UInt64 {
        bytesBelow(0x20, in: word)
            | bytesBelow(1, in: word ^ 0x2222_2222_2222_2222)
            | bytesBelow(1, in: word ^ 0x5c5c_5c5c_5c5c_5c5c)
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// The value of a hexadecimal digit, nil for any other byte.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
