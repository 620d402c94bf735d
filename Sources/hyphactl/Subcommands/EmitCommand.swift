// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire

/// `hyphactl emit EVENT [DATA]`: sends events the way a Hypha server does.
struct EmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Send an event the way a Hypha server does, and wait for the broker's acknowledgement.",
        discussion: """
            DATA, else --file, else stdin. With no type flag a JSON object is sent as d: \
            (JSON), anything else as s: (text). A single trailing newline of the input is \
            not sent, except with --binary.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("The event name (not with --jsonl: each record names its own).", valueName: "event"),
        completion: Completions.events)
    var event: String?
    @Argument(help: ArgumentHelp("The event's data.", valueName: "data")) var data: String?
    @Flag(help: "Payload type (default: a JSON object is d:, anything else s:).") var type: ForcedType?
    @Option(
        name: .customLong("file"), help: ArgumentHelp("Read the data from this file ('-': stdin).", valueName: "path"))
    var file: String?
    @Flag(help: "Each input line is one event.") var lines = false
    @Flag(help: "Each input line is a record of `tail -f jsonl`: replay a recorded stream.") var jsonl = false
    @Option(help: ArgumentHelp("Send each event this many times.", valueName: "n")) var `repeat`: Int = 1
    @OptionGroup var output: OutputOptions<EmitOutput>

    enum ForcedType: String, EnumerableFlag {
        case json, string, binary

        var payloadType: PayloadType {
            switch self {
            case .json: .json
            case .string: .text
            case .binary: .bytes
            }
        }
    }

    func validate() throws {
        if jsonl {
            if event != nil { throw ValidationError("--jsonl takes no EVENT: each record names its event") }
            if type != nil || lines { throw ValidationError("--jsonl records carry their own types, one per line") }
        } else if event == nil {
            throw ValidationError("name the EVENT to send (or use --jsonl)")
        }
        if data != nil && file != nil { throw ValidationError("give DATA or --file, not both") }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
    }

    func run() async throws {
        if lines && !jsonl { return try await sendLines() }
        let events = try readEvents()
        let producer = try EventProducer(settings: global.clientSettings())
        try await producer.checkReachable()
        let report = try await producer.send(events, keepDeliveries: output.format == .json || events.count == 1)
        try finish(report)
    }

    /// `--lines`: every line checked first, then sent from the input's own bytes.
    private func sendLines() async throws {
        // Made first, so librdkafka connects while the lines are checked; nothing
        // is sent before every line has passed.
        let producer = try EventProducer(settings: global.clientSettings())
        let checked: EventLines
        do {
            checked = try EventLines(try inputBytes(), as: type?.payloadType)
        } catch let invalid as PayloadInput.Invalid {
            throw CommandFailure.badInput(invalid.description)
        }
        try await producer.checkReachable()
        let report = try await producer.send(
            lines: checked, event: event ?? "", repeat: `repeat`,
            keepDeliveries: output.format == .json || checked.lines.count == 1)
        try finish(report)
    }

    private func finish(_ report: EmitReport) throws {
        Terminal.write(EmitRendering.report(report, as: output.format))
        if report.undelivered > 0 {
            throw CommandFailure.failed(
                "\(report.undelivered) of \(report.total) events were not delivered: \(report.firstError ?? "no acknowledgement") (check the broker, or raise --timeout)"
            )
        }
    }

    private func readEvents() throws -> [OutgoingEvent] {
        let input = try readInput()
        if jsonl {
            return try PayloadInput.lines(input).enumerated().flatMap { index, line in
                do {
                    let recorded = try RecordedEvent.event(fromJSONLine: String(decoding: line, as: UTF8.self))
                    return repeatElement(recorded, count: `repeat`)
                } catch {
                    throw CommandFailure.badInput("line \(index + 1): \(error)")
                }
            }
        }
        let forced = type?.payloadType
        let payload: EventPayload
        do {
            payload = try PayloadInput.payload(PayloadInput.single(input, as: forced), as: forced)
        } catch {
            throw CommandFailure.badInput("DATA is \(error)")
        }
        return Array(repeating: OutgoingEvent(name: event ?? "", payload: payload), count: `repeat`)
    }

    private func readInput() throws -> [UInt8] {
        try inputBytes().withUnsafeBytes { Array($0) }
    }

    /// DATA, else --file (mapped, not copied), else standard input.
    private func inputBytes() throws -> InputBytes {
        if let data { return InputBytes(Array(data.utf8)) }
        do {
            if let file, file != "-" { return try InputBytes.contents(ofFile: file) }
            return try InputBytes.standardInput()
        } catch {
            throw CommandFailure.badInput("\(error.description)")
        }
    }
}
