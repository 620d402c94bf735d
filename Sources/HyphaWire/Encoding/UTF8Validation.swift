// SPDX-License-Identifier: Apache-2.0
/// UTF-8 checks on raw bytes, as strict as Python's `bytes.decode("utf-8")`:
/// no overlong forms, no surrogates (U+D800…U+DFFF), nothing above U+10FFFF.
enum UTF8Validation {
    /// The length of the well-formed sequence starting at `index`, or 0 when the
    /// bytes there do not start one (including a sequence cut off by `end`).
    ///
    /// Table 3-7 of the Unicode Standard, "Well-Formed UTF-8 Byte Sequences".
    @inline(__always)
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at index: Int, end: Int) -> Int {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        let trailing: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xbf
        switch lead {
        case 0xc2...0xdf: trailing = 1
        case 0xe0:
            trailing = 2
            low = 0xa0
        case 0xe1...0xec, 0xee, 0xef: trailing = 2
        case 0xed:
            trailing = 2
            high = 0x9f
        case 0xf0:
            trailing = 3
            low = 0x90
        case 0xf1...0xf3: trailing = 3
        case 0xf4:
            trailing = 3
            high = 0x8f
        default: return 0
        }
        guard index + trailing < end else { return 0 }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return 0 }
        var next = index + 2
        while next <= index + trailing {
            guard bytes[next] & 0xc0 == 0x80 else { return 0 }
            next += 1
        }
        return trailing + 1
    }

    /// The offset of the first byte that is not part of well-formed UTF-8, or nil
    /// when all of `bytes` is well-formed.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let end = bytes.count
        var index = 0
        while index < end {
            // Eight ASCII bytes at a time: the common case for event text.
            if index + 8 <= end,
                bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
            {
                index += 8
                continue
            }
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            let length = sequenceLength(bytes, at: index, end: end)
            if length == 0 { return index }
            index += length
        }
        return nil
    }

    /// The reason recorded for a value that should be UTF-8 text and is not.
    static func invalidReason(offset: Int) -> String {
        "invalid UTF-8 at byte \(offset)"
    }
}
