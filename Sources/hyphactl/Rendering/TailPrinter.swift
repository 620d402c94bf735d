// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import RDKafka
import Synchronization

/// Turns tailed messages into output bytes, buffered and flushed per batch.
struct TailPrinter {
    let format: TailFormat
    let style: Style
    /// Show `b:` values that are msgpack as JSON.
    let decodesMsgpack: Bool
    /// Pretty times in UTC rather than local time.
    let utc: Bool
    /// Pretty values longer than this many characters are cut, with their size (on a terminal); nil: never.
    var valueLimit: Int?
    private var buffer: [UInt8] = []
    private var records = JSONLRecordWriter()

    init(format: TailFormat, style: Style, decodesMsgpack: Bool = false, utc: Bool = false) {
        self.format = format
        self.style = style
        self.decodesMsgpack = decodesMsgpack
        self.utc = utc
        buffer.reserveCapacity(1 << 17)
    }

    mutating func print(_ message: RawMessage) {
        switch format {
        case .jsonl where decodesMsgpack && message.key.map({ $0.starts(with: Array("b:".utf8)) }) == true:
            appendMsgpackRecord(message)
        case .jsonl:
            records.append(
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

    /// A jsonl record whose `b:` value is msgpack: `data` is its JSON form, and
    /// `"encoding":"msgpack"` says so; values that are not msgpack stay base64.
    private mutating func appendMsgpackRecord(_ message: RawMessage) {
        let bytes = message.value.map { Array($0) } ?? []
        guard message.value != nil, let value = MessagePack.json(bytes) else {
            records.append(
                to: &buffer, topic: message.topic, partition: message.partition, offset: message.offset,
                timestampMillis: message.timestampMillis, key: message.key, value: message.value)
            return
        }
        let decoded = DecodedEvent.decode(topic: message.topic, key: message.key, value: nil)
        let key = message.key.map { String(decoding: $0, as: UTF8.self) }
        let record: [(String, JSONValue)] = [
            ("event", .string(decoded.event)), ("topic", .string(message.topic)),
            ("partition", .number(String(message.partition))), ("offset", .number(String(message.offset))),
            ("timestamp", message.timestampMillis.map { .string(WireTimestamp.iso8601(millis: $0)) } ?? .null),
            ("key", key.map(JSONValue.string) ?? .null), ("type", .string("b")), ("data", value),
            ("encoding", .string("msgpack")),
        ]
        buffer.append(contentsOf: JSONValue.object(record + Self.rpcFields(event: decoded.event, bytes)).compactJSON())
        buffer.append(0x0A)
    }

    /// `time  event  partition@offset  type  data`, safe for a terminal.
    private func pretty(_ message: RawMessage) -> String {
        let decoded = DecodedEvent.decode(topic: message.topic, key: message.key, value: message.value)
        let time =
            message.timestampMillis.map { utc ? WireTimestamp.iso8601(millis: $0) : LocalTime.text(millis: $0) } ?? "-"
        let type = decoded.type.map(\.rawValue) ?? "-"
        let data: String =
            switch decoded.data {
            case .json(let value): TerminalText.safe(String(decoding: value.compactJSON(), as: UTF8.self))
            case .text(let text): TerminalText.safe(text)
            case .bytes(let bytes):
                if let message = RPCMessage.carried(byEvent: decoded.event, bytes) {
                    rpcSummary(message)
                } else if decodesMsgpack, let value = MessagePack.json(bytes) {
                    style.dim("(msgpack)") + " "
                        + TerminalText.safe(String(decoding: value.compactJSON(), as: UTF8.self))
                } else {
                    style.dim("(\(bytes.count) bytes, base64)") + " " + Base64.encode(bytes)
                }
            case .none: style.dim("(no value)")
            case .invalid(let reason, let raw):
                style.red("! \(reason)") + " " + style.dim("raw base64:") + " " + Base64.encode(raw)
            }
        var shown = data
        if let valueLimit, data.count > valueLimit {
            let size = ByteCountFormatter.string(fromByteCount: Int64(message.value?.count ?? 0), countStyle: .binary)
            shown =
                String(data.prefix(valueLimit))
                + style.dim("… (a \(size) value, cut on a terminal; -f raw or -f jsonl shows it whole)")
        }
        return [
            style.dim(time), style.bold(style.cyan(TerminalText.safe(decoded.event))),
            style.dim("\(message.partition)@\(message.offset)"), style.yellow(type), shown,
        ].joined(separator: "  ") + "\n"
    }
}

extension TailPrinter {
    /// An RPC message in one line: `from → to  type method  (body N bytes)`.
    fileprivate func rpcSummary(_ message: RPCMessage) -> String {
        let route = "\(message.from ?? "?") → \(message.to ?? "?")"
        let kind = [message.type, message.method].compactMap { $0 }.joined(separator: " ")
        return style.bold(TerminalText.safe(route)) + "  " + style.yellow(TerminalText.safe(kind.isEmpty ? "-" : kind))
            + "  " + style.dim("(body \(message.body.count) bytes)")
    }

    /// `rpc` (the header as JSON) and `body` (base64) when an event carries an RPC message.
    fileprivate static func rpcFields(event: String, _ bytes: [UInt8]) -> [(String, JSONValue)] {
        guard let message = RPCMessage.carried(byEvent: event, bytes), let header = MessagePack.json(message.header)
        else { return [] }
        return [("rpc", header), ("body", .string(Base64.encode(message.body)))]
    }
}

/// Local wall-clock time with milliseconds, e.g. `2026-11-27 10:31:21.301`.
enum LocalTime {
    static func text(millis: Int64) -> String {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int32(millis % 1000))
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
                out +=
                    scalar.value < 0x100
                    ? String(format: "\\x%02x", scalar.value) : String(format: "\\u%04x", scalar.value)
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
