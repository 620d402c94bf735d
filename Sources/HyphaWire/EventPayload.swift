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
