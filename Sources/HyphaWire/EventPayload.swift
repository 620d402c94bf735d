// SPDX-License-Identifier: Apache-2.0
/// What a producer puts in a message value.
public enum EventPayload: Sendable, Equatable {
    /// A JSON value, sent as `d:`.
    case json(JSONValue)
    /// Text, sent as `s:`.
    case text(String)
    /// Raw bytes, sent as `b:`.
    case bytes([UInt8])

    /// The key prefix this payload travels under.
    public var type: PayloadType {
        switch self {
        case .json: .json
        case .text: .text
        case .bytes: .bytes
        }
    }

    /// Value bytes exactly as the Python server writes them (json -> pythonJSON()).
    public func encodedValue() -> [UInt8] {
        switch self {
        case .json(let value): value.pythonJSON()
        case .text(let text): Array(text.utf8)
        case .bytes(let bytes): bytes
        }
    }
}

extension PayloadType {
    /// The type a value is sent as when none is asked for: `d:` when it is a
    /// JSON object (JSON whitespace around it allowed), else `s:`. The one rule
    /// for DATA and for each line alike; whether `s:` text is UTF-8 is left to
    /// the caller.
    package static func detected(in value: UnsafeRawBufferPointer) -> PayloadType {
        jsonStart(of: value) == UInt8(ascii: "{") && JSONValidator.validate(value) == nil ? .json : .text
    }

    /// The first byte of `value` after JSON whitespace (space, tab, CR, LF):
    /// `{` or `[` when the value is meant as a JSON object or array; nil when
    /// there is none.
    package static func jsonStart(of value: UnsafeRawBufferPointer) -> UInt8? {
        value.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }
}
