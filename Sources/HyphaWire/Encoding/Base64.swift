// SPDX-License-Identifier: Apache-2.0
/// Standard base64 (RFC 4648 §4, with `=` padding), and its URL-safe form (§5):
/// the one encoder and decoder of the package.
package enum Base64 {
    private static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// The length of the base64 text of `byteCount` bytes.
    @inline(__always)
    static func encodedLength(_ byteCount: Int) -> Int {
        (byteCount + 2) / 3 * 4
    }

    /// Appends the base64 text of `bytes` to `out`.
    static func append(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.appendBytes(upTo: encodedLength(bytes.count)) { $0.putBase64(bytes) }
    }

    /// The base64 text of `bytes`.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        Array(bytes).withUnsafeBytes { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The URL- and file-name-safe base64 text of `bytes` (RFC 4648 §5: `-` and
    /// `_` for `+` and `/`), without padding.
    package static func encodeURLSafeUnpadded(_ bytes: some Collection<UInt8>) -> String {
        String(
            encode(bytes).compactMap { character in
                switch character {
                case "=": nil
                case "+": "-"
                case "/": "_"
                default: character
                }
            })
    }

    /// The bytes standard base64 text stands for; nil when `text` is not that:
    /// a length that is not a multiple of 4, a character outside the alphabet
    /// (whitespace included), or `=` anywhere but in the last two places.
    package static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 4 == 0 else { return nil }
        let padding = characters.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 4 * 3)
        var group: UInt32 = 0
        for (index, character) in characters.dropLast(padding).enumerated() {
            guard let value = sextet(character) else { return nil }
            group = group << 6 | UInt32(value)
            if index % 4 == 3 {
                bytes += [
                    UInt8(truncatingIfNeeded: group >> 16), UInt8(truncatingIfNeeded: group >> 8),
                    UInt8(truncatingIfNeeded: group),
                ]
                group = 0
            }
        }
        switch padding {
        case 2: bytes.append(UInt8(truncatingIfNeeded: group >> 4))
        case 1: bytes += [UInt8(truncatingIfNeeded: group >> 10), UInt8(truncatingIfNeeded: group >> 2)]
        default: break
        }
        return bytes
    }

    /// The 6-bit value of one character of the standard alphabet.
    private static func sextet(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    fileprivate static var table: UnsafePointer<UInt8> { alphabet.utf8Start }
}

extension ByteCursor {
    /// The base64 text of `bytes`: ``Base64/encodedLength(_:)`` bytes.
    mutating func putBase64(_ bytes: UnsafeRawBufferPointer) {
        let table = Base64.table
        let count = bytes.count
        var index = 0
        while index + 3 <= count {
            let group = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            put(table[Int(group >> 18)])
            put(table[Int(group >> 12 & 0x3f)])
            put(table[Int(group >> 6 & 0x3f)])
            put(table[Int(group & 0x3f)])
            index += 3
        }
        let remaining = count - index
        guard remaining > 0 else { return }
        let group = UInt32(bytes[index]) << 16 | (remaining == 2 ? UInt32(bytes[index + 1]) << 8 : 0)
        put(table[Int(group >> 18)])
        put(table[Int(group >> 12 & 0x3f)])
        put(remaining == 2 ? table[Int(group >> 6 & 0x3f)] : UInt8(ascii: "="))
        put(UInt8(ascii: "="))
    }
}
