// SPDX-License-Identifier: Apache-2.0
extension MessagePack {
    /// The msgpack bytes of `value`, each part in its shortest form, as Python's
    /// `msgpack.packb` writes them with its defaults: a non-negative integer as a
    /// positive fixint or `uint` 8/16/32/64, a negative one as a negative fixint or
    /// `int` 8/16/32/64; strings with `str8` allowed; ext values of 1, 2, 4, 8 or 16
    /// bytes as fixext. A ``MessagePackValue/float(_:)`` stays 32 bits.
    public static func encode(_ value: MessagePackValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    /// Appends the bytes of `value` to `out`, as ``encode(_:)`` writes them.
    ///
    /// Writing recurses once per nesting level (values from ``decode(_:)`` are at
    /// most 512 deep).
    public static func append(_ value: MessagePackValue, to out: inout [UInt8]) {
        switch value {
        case .nil: out.append(0xc0)
        case .bool(let flag): out.append(flag ? 0xc3 : 0xc2)
        case .int(let number) where number >= 0: appendUnsigned(UInt64(number), to: &out)
        case .int(let number): appendNegative(number, to: &out)
        case .uint(let number): appendUnsigned(number, to: &out)
        case .float(let number):
            out.append(0xca)
            appendBigEndian(UInt64(number.bitPattern), width: 4, to: &out)
        case .double(let number):
            out.append(0xcb)
            appendBigEndian(number.bitPattern, width: 8, to: &out)
        case .string(let text):
            let count = text.utf8.count
            if count < 32 {
                out.append(0xa0 | UInt8(count))
            } else {
                appendHead(count, markers: (0xd9, 0xda, 0xdb), to: &out)
            }
            out.append(contentsOf: text.utf8)
        case .binary(let bytes):
            appendHead(bytes.count, markers: (0xc4, 0xc5, 0xc6), to: &out)
            out.append(contentsOf: bytes)
        case .array(let items):
            appendContainerHead(items.count, fix: 0x90, markers: (0xdc, 0xdd), to: &out)
            for item in items { append(item, to: &out) }
        case .map(let entries):
            appendContainerHead(entries.count, fix: 0x80, markers: (0xde, 0xdf), to: &out)
            for (key, item) in entries {
                append(key, to: &out)
                append(item, to: &out)
            }
        case .ext(let type, let data):
            switch data.count {
            case 1: out.append(0xd4)
            case 2: out.append(0xd5)
            case 4: out.append(0xd6)
            case 8: out.append(0xd7)
            case 16: out.append(0xd8)
            default: appendHead(data.count, markers: (0xc7, 0xc8, 0xc9), to: &out)
            }
            out.append(UInt8(bitPattern: type))
            out.append(contentsOf: data)
        }
    }

    private static func appendUnsigned(_ number: UInt64, to out: inout [UInt8]) {
        switch number {
        case 0..<0x80: out.append(UInt8(number))
        case 0x80...0xff: out += [0xcc, UInt8(number)]
        case 0x100...0xffff:
            out.append(0xcd)
            appendBigEndian(number, width: 2, to: &out)
        case 0x1_0000...0xffff_ffff:
            out.append(0xce)
            appendBigEndian(number, width: 4, to: &out)
        default:
            out.append(0xcf)
            appendBigEndian(number, width: 8, to: &out)
        }
    }

    private static func appendNegative(_ number: Int64, to out: inout [UInt8]) {
        let bits = UInt64(bitPattern: number)
        switch number {
        case -32..<0: out.append(UInt8(truncatingIfNeeded: bits))
        case -0x80 ..< -32: out += [0xd0, UInt8(truncatingIfNeeded: bits)]
        case -0x8000 ..< -0x80:
            out.append(0xd1)
            appendBigEndian(bits, width: 2, to: &out)
        case -0x8000_0000 ..< -0x8000:
            out.append(0xd2)
            appendBigEndian(bits, width: 4, to: &out)
        default:
            out.append(0xd3)
            appendBigEndian(bits, width: 8, to: &out)
        }
    }

    /// A length in the 8-, 16- or 32-bit form of `str`, `bin` or `ext`.
    private static func appendHead(_ count: Int, markers: (UInt8, UInt8, UInt8), to out: inout [UInt8]) {
        if count <= 0xff {
            out += [markers.0, UInt8(count)]
        } else {
            appendWideHead(count, markers: (markers.1, markers.2), to: &out)
        }
    }

    /// An array's or a map's count: fix form below 16, else 16 or 32 bits.
    private static func appendContainerHead(_ count: Int, fix: UInt8, markers: (UInt8, UInt8), to out: inout [UInt8]) {
        if count < 16 {
            out.append(fix | UInt8(count))
        } else {
            appendWideHead(count, markers: markers, to: &out)
        }
    }

    /// A length in 16 bits when it fits, else 32.
    private static func appendWideHead(_ count: Int, markers: (UInt8, UInt8), to out: inout [UInt8]) {
        let wide = count > 0xffff
        out.append(wide ? markers.1 : markers.0)
        appendBigEndian(UInt64(count), width: wide ? 4 : 2, to: &out)
    }

    /// The low `width` bytes of `number`, most significant first.
    static func appendBigEndian(_ number: UInt64, width: Int, to out: inout [UInt8]) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            out.append(UInt8(truncatingIfNeeded: number >> UInt64(shift)))
        }
    }
}
