// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire

/// How input text or bytes become an event payload, as `emit` reads them.
package enum PayloadInput {
    /// Input that is not valid for the type asked for.
    package struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// Why, e.g. `not valid JSON: invalid JSON at byte 7: expected ':'`.
        package let description: String
    }

    /// The payload for `bytes`. With `type` nil: as ``PayloadType/detected(in:)``
    /// says, a JSON object becomes `d:`, anything else `s:` (and must then be
    /// UTF-8 text).
    package static func payload(_ bytes: [UInt8], as type: PayloadType?) throws(Invalid) -> EventPayload {
        switch type {
        case .bytes:
            return .bytes(bytes)
        case .json:
            do {
                return .json(try bytes.withUnsafeBytes { (raw) throws(JSONSyntaxError) in try JSONValue.parse(raw) })
            } catch {
                throw Invalid(description: "not valid JSON: \(error)")
            }
        case .text:
            return .text(try text(bytes))
        case nil:
            return try payload(bytes, as: bytes.withUnsafeBytes { PayloadType.detected(in: $0) })
        }
    }

    /// Whole input read for one event: a single final newline is not part of it,
    /// as `echo` adds one (bytes are kept exactly with `--binary`).
    package static func single(_ bytes: [UInt8], as type: PayloadType?) -> [UInt8] {
        guard type != .bytes, bytes.last == 0x0A else { return bytes }
        let cut = bytes.dropLast()
        return Array(cut.last == 0x0D ? cut.dropLast() : cut)
    }

    private static func text(_ bytes: [UInt8]) throws(Invalid) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw Invalid(description: "not UTF-8 text (use --binary to send bytes)")
        }
        return text
    }
}
