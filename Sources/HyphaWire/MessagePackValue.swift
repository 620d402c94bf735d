// SPDX-License-Identifier: Apache-2.0
/// One msgpack value, as ``MessagePack/decode(_:)`` reads it and
/// ``MessagePack/encode(_:)`` writes it.
///
/// Integers are one family: ``int(_:)`` holds every value that fits an `Int64`,
/// ``uint(_:)`` only those above `Int64.max` (the decoder normalises, and
/// equality compares numbers, so `.uint(5) == .int(5)`). Map entries keep their
/// order and duplicates.
public indirect enum MessagePackValue: Sendable, Equatable {
    /// `nil`.
    case `nil`
    /// `true` or `false`.
    case bool(Bool)
    /// An integer that fits an `Int64`.
    case int(Int64)
    /// An integer above `Int64.max`.
    case uint(UInt64)
    /// A 32-bit float (`0xca`).
    case float(Float)
    /// A 64-bit float (`0xcb`).
    case double(Double)
    /// A UTF-8 string (the `str` family).
    case string(String)
    /// Bytes (the `bin` family).
    case binary([UInt8])
    /// An array.
    case array([MessagePackValue])
    /// A map: its entries in order, duplicates kept.
    case map([(key: MessagePackValue, value: MessagePackValue)])
    /// An extension value: its application-defined type (`-1` is msgpack's timestamp) and bytes.
    case ext(type: Int8, data: [UInt8])

    /// The text of a `str` value; nil for any other kind.
    public var stringValue: String? {
        if case .string(let text) = self { text } else { nil }
    }

    /// The value of the last entry whose key is the string `key`, as a Python
    /// dict built from this map would hold it; nil when there is none or this is
    /// not a map.
    ///
    /// Keys compare by their UTF-8 bytes, as Python compares `str` keys (so a
    /// precomposed `é` and `e` + U+0301 are different keys).
    public subscript(key: String) -> MessagePackValue? {
        guard case .map(let entries) = self else { return nil }
        return entries.last { $0.key.isString(key) }?.value
    }

    /// Whether this is the string `text`, byte for byte.
    func isString(_ text: String) -> Bool {
        if case .string(let own) = self { own.utf8.elementsEqual(text.utf8) } else { false }
    }

    /// Equal when both are the same kind with the same contents; integers compare
    /// as numbers, strings by their UTF-8 bytes, floats by their bits (so a NaN
    /// equals the same NaN, as bytes on the wire would).
    public static func == (lhs: MessagePackValue, rhs: MessagePackValue) -> Bool {
        switch (lhs, rhs) {
        case (.nil, .nil): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.uint(let a), .uint(let b)): a == b
        case (.int(let a), .uint(let b)), (.uint(let b), .int(let a)): a >= 0 && UInt64(a) == b
        case (.float(let a), .float(let b)): a.bitPattern == b.bitPattern
        case (.double(let a), .double(let b)): a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a.utf8.elementsEqual(b.utf8)
        case (.binary(let a), .binary(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.ext(let typeA, let dataA), .ext(let typeB, let dataB)): typeA == typeB && dataA == dataB
        default: false
        }
    }
}

extension MessagePackValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// A `str` value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// A boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array.
    public init(arrayLiteral elements: MessagePackValue...) { self = .array(elements) }
    /// A map, its entries in the order written.
    public init(dictionaryLiteral elements: (MessagePackValue, MessagePackValue)...) {
        self = .map(elements.map { (key: $0.0, value: $0.1) })
    }
}
