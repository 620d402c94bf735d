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

            --lines and --jsonl send each line as soon as it is read, so a pipe that never \
            ends is mirrored as it comes (`hyphactl tail A -f jsonl | hyphactl emit --jsonl \
            -b other-cluster`), and memory stays bounded whatever the input's length. A bad \
            line (not valid JSON with --json or in --jsonl, not UTF-8 without --binary) \
            stops emit with exit 65 and names the line: the lines before it were sent, and \
            the summary (or -o json) counts them. --check-first reads every line before \
            sending any, and sends nothing if one is bad; it reads the input twice, so it \
            needs DATA or a file (--file PATH, or stdin redirected from a file), not a pipe \
            (exit 64). A line larger than message.max.bytes fails alone, as an event the \
            broker refuses does (exit 1, the others are sent). SIGINT (Ctrl-C) or SIGTERM \
            stops the reading: every whole line read so far is still sent and its \
            acknowledgement awaited (each at most --timeout), the summary is printed, and \
            emit exits 130 (SIGINT) or 143 (SIGTERM).

            DATA that starts with { or [ but is not JSON is sent as text with a warning \
            (--text: no warning; --json: refused). Read from a pipe, --jsonl refuses \
            records of the events it would write read from this same cluster (a \
            mirror into itself sends every event again and again; exit 1) unless \
            --allow-loop.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(
        help: ArgumentHelp("The event name (not with --jsonl: each record names its own).", valueName: "event"),
        completion: Completions.events)
    var event: String?
    @Argument(help: ArgumentHelp("The event's data.", valueName: "data")) var data: String?
    @Flag(help: "Payload type (default: a JSON object is d:, anything else s:).") var type: ForcedType?
    @Option(
        name: [.customShort("f"), .customLong("file")],
        help: ArgumentHelp("Read the data from this file ('-': stdin).", valueName: "path"), completion: .file())
    var file: String?
    @Flag(help: "Each input line is one event, sent as soon as it is read.") var lines = false
    @Flag(help: "Each input line is a record of `tail -f jsonl`: replay a recorded stream, or mirror a live one.")
    var jsonl = false
    @Flag(help: "With --lines or --jsonl: check every line before sending any (a file, not a pipe).")
    var checkFirst = false
    @Flag(help: "With --jsonl: send records read from this same cluster too (a mirror into itself).")
    var allowLoop = false
    @Option(parsing: .unconditional, help: ArgumentHelp("Send each event this many times.", valueName: "n"))
    var `repeat`: Int = 1
    @OptionGroup var output: OutputOptions<EmitOutput>

    enum ForcedType: String, EnumerableFlag {
        case json, string, binary

        static func name(for value: ForcedType) -> NameSpecification {
            value == .string ? [.customLong("string"), .customLong("text")] : .long
        }

        static func help(for value: ForcedType) -> ArgumentHelp? {
            switch value {
            case .json: "Send DATA as d: (JSON); not JSON: exit 65."
            case .string: "Send DATA as s: (text), even when it looks like JSON."
            case .binary: "Send DATA as b: (bytes), as they are."
            }
        }

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
        try EventNameArgument.check(event.map { [$0] } ?? [])
        if data != nil && file != nil { throw ValidationError("give DATA or --file, not both") }
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if allowLoop && !jsonl { throw ValidationError("--allow-loop goes with --jsonl") }
        if checkFirst {
            guard lines || jsonl else {
                throw ValidationError("--check-first goes with --lines or --jsonl (one event is always checked first)")
            }
            // An input that cannot be opened is reported by run(), with exit 65.
            if let input = try? input.open(), !input.isSeekable {
                throw ValidationError(
                    "--check-first reads the input twice: give DATA or a file (--file PATH, or < PATH), not a pipe")
            }
        }
    }

    func run() async throws {
        if lines || jsonl { return try await sendLines() }
        let forced = type?.payloadType
        let bytes = try readInput()
        if forced == nil, let warning = Self.notJSONWarning(bytes) { Terminal.printError(warning) }
        let payload: EventPayload
        do {
            payload = try PayloadInput.payload(PayloadInput.single(bytes, as: forced), as: forced)
        } catch {
            throw CommandFailure.badInput("DATA is \(error)")
        }
        let events = Array(repeating: OutgoingEvent(name: event ?? "", payload: payload), count: `repeat`)
        let producer = try EventProducer(settings: global.clientSettings())
        try await producer.checkReachable()
        let report = try await producer.send(events, keepDeliveries: output.format == .json || events.count == 1)
        try finish(report)
    }

    /// `--lines` and `--jsonl`: each line sent as it is read (every line checked
    /// first with --check-first).
    private func sendLines() async throws {
        // Ctrl-C or SIGTERM: stop reading, send what was read, wait for its
        // acknowledgements, print the summary, then exit 130 or 143. Watched
        // from the start: a signal while the input opens must not kill emit.
        let stop = TailStopSignal()
        let signals = SignalWatch(stop)
        defer { signals.cancel() }
        let source = try open(input)
        // Made first, so librdkafka connects while the lines are checked.
        let settings = try global.clientSettings()
        let producer = try EventProducer(settings: settings)
        let format: LineFormat = jsonl ? .records : .values(event: event ?? "", type: type?.payloadType)
        // Only a pipe can feed back what is written; a file ends.
        let loopCheck = jsonl && !allowLoop && !source.isSeekable ? MirrorLoopCheck(settings: settings) : nil
        if checkFirst, let problem = try await producer.check(lines: source, as: format) {
            throw CommandFailure.badInput("\(problem) (nothing was sent)")
        }
        // -o json: deliveries printed as they are acknowledged, not kept to the end.
        var printDeliveries: (@Sendable ([DeliveredEvent]) -> Void)?
        if output.format == .json {
            printDeliveries = { delivered in Terminal.write(EmitRendering.jsonLines(delivered)) }
        }
        let report = try await producer.send(
            lines: source, as: format, repeat: `repeat`, loopCheck: loopCheck, stop: stop,
            onDelivered: printDeliveries)
        try finish(report)
        if report.interrupted, let number = signals.received {
            throw CommandFailure(
                exitCode: 128 + number,
                description: "interrupted by \(number == SIGINT ? "SIGINT" : "SIGTERM"): stopped reading; "
                    + "every line read was sent and \(report.deliveredCount) of \(report.total) events delivered")
        }
    }

    private func finish(_ report: EmitReport) throws {
        Terminal.write(EmitRendering.report(report, as: output.format))
        if let inputError = report.inputError {
            let before =
                report.total == 0
                ? "nothing was sent"
                : "\(report.total == 1 ? "the event" : "the \(report.total) events") before it"
                    + " \(report.total == 1 ? "was" : "were") sent, \(report.deliveredCount) delivered;"
                    + " --check-first sends nothing unless every line is good"
            throw CommandFailure.badInput("\(inputError) (\(before))")
        }
        if report.undelivered > 0 {
            let reason = report.firstError ?? "no acknowledgement"
            throw CommandFailure.failed(
                "\(report.undelivered) of \(report.total) events were not delivered: \(reason) (\(Self.advice(for: reason)))"
            )
        }
    }

    /// What to try when events were not delivered, by the first one's reason.
    static func advice(for reason: String) -> String {
        if reason.contains("message.max.bytes") || reason.localizedCaseInsensitiveContains("message size too large") {
            return "-X message.max.bytes=BYTES raises hyphactl's limit; the broker's is the topic's max.message.bytes "
                + "(hyphactl topics describe shows it)"
        }
        return "see whether the brokers are up with hyphactl doctor; each event waits --timeout for its acknowledgement"
    }

    /// DATA, else --file, else standard input.
    private var input: EmitInput {
        if let data { return .data(Array(data.utf8)) }
        if let file { return .file(file) }
        return .standardInput
    }

    /// The whole input, for one event.
    private func readInput() throws -> [UInt8] {
        let source = try open(input)
        do {
            return try source.readAll()
        } catch {
            throw CommandFailure.badInput(error.description)
        }
    }

    /// The input opened; one that cannot be opened exits 66. On a terminal, a
    /// line on stderr says that it waits for typed data.
    private func open(_ input: EmitInput) throws -> InputSource {
        let source: InputSource
        do {
            source = try input.open()
        } catch {
            throw CommandFailure.noInput(error.description)
        }
        if case .standardInput = input, Terminal.inputIsInteractive {
            Terminal.printError("reading DATA from stdin, Ctrl-D to end (or give DATA, or --file PATH)")
        }
        return source
    }

    /// A warning for DATA sent as text although it looks like JSON that does
    /// not parse (`{bad json`); nil for anything else.
    static func notJSONWarning(_ bytes: [UInt8]) -> String? {
        guard let first = bytes.withUnsafeBytes({ PayloadType.jsonStart(of: $0) }),
            first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
        else { return nil }
        let problem = bytes.withUnsafeBytes { buffer in JSONValidator.validate(buffer) }
        guard let problem else { return nil }
        return "warning: DATA starts with '\(Character(Unicode.Scalar(first)))' but is not JSON (\(problem)); "
            + "sent as text (s:). --text sends text without this warning, --json refuses it"
    }
}
