// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire

/// `tail -f jsonl` records read back as events to send again: a recorded stream
/// can be replayed with `emit --jsonl`.
package enum RecordedEvent {
    /// The event a record describes: same name, type and data. A record whose value
    /// was not what its key said (`error` and `raw`) is sent with its raw bytes.
    package static func event(fromJSONLine line: String) throws(PayloadInput.Invalid) -> OutgoingEvent {
        let record: JSONValue
        do {
            record = try JSONValue.parse(line)
        } catch {
            throw PayloadInput.Invalid(description: "not a JSON record: \(error)")
        }
        guard case .object(let fields) = record else { throw PayloadInput.Invalid(description: "not a JSON object") }
        func field(_ name: String) -> JSONValue? { fields.first { $0.0 == name }?.1 }
        guard case .string(let name)? = field("event") else {
            throw PayloadInput.Invalid(description: "no \"event\" name")
        }
        guard !name.allSatisfy(\.isWhitespace) else {
            throw PayloadInput.Invalid(description: "an empty \"event\" name")
        }
        guard case .string(let typeText)? = field("type"), let type = PayloadType(rawValue: typeText) else {
            throw PayloadInput.Invalid(
                description: "no d, s or b \"type\" (a message whose key had no prefix is not a Hypha event)")
        }
        if field("error") != nil {
            guard case .string(let raw)? = field("raw"), let bytes = Base64.decode(raw) else {
                throw PayloadInput.Invalid(description: "an \"error\" record without a base64 \"raw\" value")
            }
            return OutgoingEvent(name: name, type: type, value: bytes)
        }
        switch (type, field("data")) {
        case (_, nil), (.text, .null?), (.bytes, .null?):
            // tail writes data null for a message without a value.
            return OutgoingEvent(name: name, type: type, value: nil)
        case (.json, let data?):
            return OutgoingEvent(name: name, payload: .json(data))
        case (.text, .string(let text)?):
            return OutgoingEvent(name: name, payload: .text(text))
        case (.bytes, .string(let base64)?):
            guard let bytes = Base64.decode(base64) else {
                throw PayloadInput.Invalid(description: "\"data\" of a b: record is not base64")
            }
            return OutgoingEvent(name: name, payload: .bytes(bytes))
        default:
            throw PayloadInput.Invalid(description: "\"data\" does not fit type \(type.rawValue)")
        }
    }
}
