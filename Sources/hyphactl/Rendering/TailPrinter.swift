import Foundation
import HyphaKafka
import HyphaWire
import Synchronization

/// Turns tailed messages into output bytes, buffered and flushed per batch.
struct TailPrinter {
    let format: TailFormat
    let style: Style
    private var buffer: [UInt8] = []

    init(format: TailFormat, style: Style) {
        self.format = format
        self.style = style
        buffer.reserveCapacity(1 << 17)
    }

    mutating func print(_ message: RawMessage) {
        switch format {
        case .jsonl:
            JSONLRecord.append(
                to: &buffer, topic: message.topic, partition: message.partition, offset: message.offset,
                timestampMillis: message.timestampMillis, key: message.key, value: message.value)
        case .raw:
            if let value = message.value { buffer.append(contentsOf: value) }
            buffer.append(0x0A)
        case .pretty:
            buffer.append(contentsOf: pretty(message).utf8)
        }
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        Terminal.write(&buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// `time  event  partition@offset  type  data`, safe for a terminal.
    private func pretty(_ message: RawMessage) -> String {
        let decoded = DecodedEvent.decode(topic: message.topic, key: message.key, value: message.value)
        let time = message.timestampMillis.map(WireTimestamp.iso8601) ?? "-"
        let type = decoded.type.map(\.rawValue) ?? "-"
        let data: String = switch decoded.data {
        case .json(let value): TerminalText.safe(String(decoding: value.compactJSON(), as: UTF8.self))
        case .text(let text): TerminalText.safe(text)
        case .bytes(let bytes): style.dim("(\(bytes.count) bytes, base64)") + " " + Data(bytes).base64EncodedString()
        case .none: style.dim("(no value)")
        case .invalid(let reason, let raw): style.red("! \(reason)") + " " + style.dim("raw base64:") + " " + Data(raw).base64EncodedString()
        }
        return [
            style.dim(time), style.bold(style.cyan(TerminalText.safe(decoded.event))),
            style.dim("\(message.partition)@\(message.offset)"), style.yellow(type), data,
        ].joined(separator: "  ") + "\n"
    }
}

/// Text from the bus made safe to show on a terminal: control characters
/// (ANSI escapes included) become visible escapes instead of acting.
enum TerminalText {
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += scalar.value < 0x100 ? String(format: "\\x%02x", scalar.value) : String(format: "\\u%04x", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}

/// A printer the reading thread and the command share.
final class SharedTailPrinter: Sendable {
    private let state: Mutex<TailPrinter>

    init(_ printer: TailPrinter) { state = Mutex(printer) }

    func print(_ message: RawMessage) { state.withLock { $0.print(message) } }
    func flush() { state.withLock { $0.flush() } }
}
