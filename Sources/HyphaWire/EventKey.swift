// SPDX-License-Identifier: Apache-2.0
/// The three value types of a key prefix.
///
/// The raw value is the letter before the `:` in a message key.
public enum PayloadType: String, Sendable, CaseIterable {
    /// `d:`: the value is UTF-8 JSON text.
    case json = "d"
    /// `s:`: the value is UTF-8 text.
    case text = "s"
    /// `b:`: the value is raw bytes.
    case bytes = "b"

    /// The type a key's first byte names, when that byte is `d`, `s` or `b`.
    init?(prefixByte byte: UInt8) {
        switch byte {
        case UInt8(ascii: "d"): self = .json
        case UInt8(ascii: "s"): self = .text
        case UInt8(ascii: "b"): self = .bytes
        default: return nil
        }
    }
}

/// The key of an event message: `<t>:<event name>`, UTF-8.
public struct EventKey: Sendable, Hashable {
    /// The value's type, from the prefix (`d:`, `s:`, `b:`).
    public var type: PayloadType
    /// The event name: everything after the first `:`.
    public var event: String

    /// The key of event `event` with a value of type `type`.
    public init(type: PayloadType, event: String) {
        self.type = type
        self.event = event
    }

    /// "<t>:<event name>" as UTF-8 bytes.
    public static func encode(type: PayloadType, event: String) -> [UInt8] {
        var key: [UInt8] = []
        key.reserveCapacity(2 + event.utf8.count)
        key.append(contentsOf: type.rawValue.utf8)
        key.append(UInt8(ascii: ":"))
        key.append(contentsOf: event.utf8)
        return key
    }

    /// The type from the prefix ("d:", "s:", "b:") and the event name after the first ':'; nil for no key or any other key.
    ///
    /// Bytes of the name that are not valid UTF-8 become U+FFFD.
    public static func decode(_ key: UnsafeRawBufferPointer?) -> EventKey? {
        guard let key, let type = payloadType(of: key) else { return nil }
        return EventKey(type: type, event: String(decoding: UnsafeRawBufferPointer(rebasing: key[2...]), as: UTF8.self))
    }

    /// The type a key's `d:`/`s:`/`b:` prefix names, nil for any other key.
    @inline(__always)
    static func payloadType(of key: UnsafeRawBufferPointer) -> PayloadType? {
        guard key.count >= 2, key[1] == UInt8(ascii: ":") else { return nil }
        return PayloadType(prefixByte: key[0])
    }
}
