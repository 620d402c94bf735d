// SPDX-License-Identifier: Apache-2.0
/// Standard base64 (RFC 4648 §4, with `=` padding).
enum Base64 {
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
    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBytes { append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
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
