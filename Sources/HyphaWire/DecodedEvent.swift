// SPDX-License-Identifier: Apache-2.0
/// One Kafka message decoded the way the Python server does (key "b:" -> bytes, "d:" -> JSON, "s:" -> UTF-8 text, anything else or none -> UTF-8 text).
public struct DecodedEvent: Sendable {
    /// A message value, read the way its key says.
    public enum Data: Sendable, Equatable {
        /// `d:` with a valid JSON value (any value, not only objects).
        case json(JSONValue)
        /// `s:`, or no/unknown prefix, with valid UTF-8.
        case text(String)
        /// `b:`.
        case bytes([UInt8])
        /// The message has no value (null).
        case none
        /// The value is not what the key says: bad JSON under `d:`, bad UTF-8 under
        /// `s:` or no prefix. `reason` is one line such as
        /// `invalid JSON at byte 7: expected ':'` or `invalid UTF-8 at byte 3`.
        case invalid(reason: String, raw: [UInt8])
    }

    /// From the key (text after first ':') when it has a d:/s:/b: prefix, else from the topic (minus prefix; whole topic if no prefix).
    public let event: String
    /// The key's prefix type, nil when the key has none.
    public let type: PayloadType?
    /// The value, decoded.
    public let data: Data

    /// An event made of its parts (for tests and renderers; ``decode(topic:key:value:)`` reads messages).
    public init(event: String, type: PayloadType?, data: Data) {
        self.event = event
        self.type = type
        self.data = data
    }

    /// Decodes one message as the Python server would. Key bytes of the event name
    /// that are not UTF-8 become U+FFFD; the value is copied, never referenced.
    public static func decode(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?)
        -> DecodedEvent
    {
        let eventKey = EventKey.decode(key)
        let type = eventKey?.type
        let event = eventKey?.event ?? HyphaTopic.eventName(fromTopic: topic) ?? topic
        guard let value else { return DecodedEvent(event: event, type: type, data: .none) }

        let data: Data
        switch type {
        case .bytes:
            data = .bytes(Array(value))
        case .json:
            do {
                data = try .json(JSONValue.parse(value))
            } catch {
                data = .invalid(reason: error.description, raw: Array(value))
            }
        case .text, nil:
            if let offset = UTF8Validation.firstInvalidOffset(value) {
                data = .invalid(reason: UTF8Validation.invalidReason(offset: offset), raw: Array(value))
            } else {
                data = .text(String(decoding: value, as: UTF8.self))
            }
        }
        return DecodedEvent(event: event, type: type, data: data)
    }
}
