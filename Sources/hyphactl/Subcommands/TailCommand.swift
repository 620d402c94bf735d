// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Dispatch
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import Synchronization

/// `hyphactl tail [EVENT…]`: reads and decodes events without joining a group.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Read and decode events without joining any consumer group.",
        discussion: """
            Follows until interrupted; -e stops at the end offsets as they were when tail \
            started; -n after N events; --until at the first event stamped after a time in \
            each partition (and at a partition's end once that time has passed), ending \
            when every partition has stopped: --since 1h --until 50m -e reads a window. \
            --type keeps events of those types only. EVENT may be a glob ('ws-*'). While \
            following, topics that match a glob or --all and appear later are read from their \
            beginning within a few seconds, and a named event whose topic does not \
            exist yet is waited for (with -e it is an error). SIGINT and SIGTERM end it \
            cleanly with exit 0.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Event names or globs.", valueName: "event"), completion: Completions.events)
    var events: [String] = []
    @Flag(help: "Every Hypha event topic.") var all = false
    @Flag(help: "Start at the oldest stored event.") var fromBeginning = false
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Start at this offset; negative: that many before the end (--offset -10).", valueName: "n"))
    var offset: Int64?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Start at a time: as tail prints it (2026-12-06 06:11:39.597, local), ISO-8601, Unix seconds, or an age like 10m, 1h30m, 2d.",
            valueName: "time"))
    var since: String?
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Stop at a time: events stamped after it are not shown; the same forms as --since.", valueName: "time"))
    var until: String?
    @Option(
        name: .customShort("n"), parsing: .unconditional,
        help: ArgumentHelp("Stop after this many events.", valueName: "n"))
    var count: Int?
    @Flag(name: .short, help: "Stop at the end offsets as they were at start.") var exitAtEnd = false
    @Option(
        name: [.short, .long], parsing: .unconditional, help: ArgumentHelp("Only this partition.", valueName: "n"))
    var partition: Int32?
    @Option(
        name: [.customShort("f"), .customLong("format"), .customShort("o"), .customLong("output")],
        help: ArgumentHelp("Output format; -o is the same option, as in the other commands.", valueName: "format"))
    var format: TailFormat = .pretty
    @Option(
        help: ArgumentHelp(
            "Show b: payloads that are msgpack (Hypha's RPC messages) as JSON; others stay base64.",
            valueName: "msgpack"))
    var decode: TailDecoding?
    @Flag(help: "Times in UTC (pretty shows local time by default).") var utc = false
    @Option(
        name: .customLong("type"),
        help: ArgumentHelp("Only events of this type: d (JSON), s (text), b (bytes); repeatable.", valueName: "type"))
    var types: [TailKeyType] = []

    func validate() throws {
        if events.isEmpty && !all { throw ValidationError("name at least one EVENT, or use --all") }
        try EventNameArgument.check(events, as: "an event name or glob")
        if [fromBeginning, offset != nil, since != nil].filter({ $0 }).count > 1 {
            throw ValidationError("choose one of --from-beginning, --offset and --since")
        }
        if let count, count < 1 { throw ValidationError("-n must be at least 1") }
        if let partition, partition < 0 { throw ValidationError("-p must be a partition number (0 or more)") }
        if let since, PointInTime.millis(since, now: Date()) == nil {
            throw ValidationError("--since \(since): expected \(PointInTime.syntax)")
        }
        if let until {
            guard let end = PointInTime.millis(until, now: Date()) else {
                throw ValidationError("--until \(until): expected \(PointInTime.syntax)")
            }
            if let since, let start = PointInTime.millis(since, now: Date()), start > end {
                throw ValidationError("--until \(until) is before --since \(since)")
            }
        }
    }

    func run() async throws {
        let settings = try global.clientSettings()
        let (topics, waiting) = try await resolveTopics(settings)
        var request = TailRequest(
            topics: topics, partition: partition, start: start(), stopAtEnd: exitAtEnd, limit: count)
        request.until = until.flatMap { PointInTime.millis($0, now: Date()) }
        if !types.isEmpty { request.keyTypes = Set(types.map { UInt8(ascii: $0.rawValue.unicodeScalars.first!) }) }
        if !exitAtEnd { request.discovers = discovery(waiting: waiting) }
        let consumer = try TailConsumer(settings: settings)
        var tailPrinter = TailPrinter(
            format: format, style: Style(enabled: global.colorEnabled), decodesMsgpack: decode == .msgpack, utc: utc)
        if isatty(STDOUT_FILENO) == 1 { tailPrinter.valueLimit = Self.terminalValueLimit }
        let printer = SharedTailPrinter(tailPrinter)
        let stop = TailStopSignal()
        let signals = SignalWatch(stop)
        defer { signals.cancel() }
        _ = try await consumer.run(
            request, stop: stop,
            onMessage: { message in printer.print(message) },
            onBatch: { printer.flush() })
        printer.flush()
    }

    /// The most of one value pretty output writes to a terminal: a screenful or so.
    static let terminalValueLimit = 2048

    private func start() -> TailStart {
        if fromBeginning { return .beginning }
        if let offset { return .offset(offset) }
        if let since, let millis = PointInTime.millis(since, now: Date()) { return .time(millis) }
        return .end
    }

    /// Event names and globs to topic names; globs and --all need the topic list,
    /// and so does following named events (to say which are not there yet). What
    /// is not there yet is an error with -e; following, it is waited for, with a
    /// line on stderr for each.
    private func resolveTopics(_ settings: KafkaClientSettings) async throws -> (topics: [String], waiting: Bool) {
        let globs = events.filter(EventGlob.isGlob)
        guard all || !globs.isEmpty || !exitAtEnd else { return (events.map { TopicReference.resolve($0) }, false) }
        let existing = try await KafkaAdmin(settings: settings).topicNames()
        let known = Set(existing)
        var topics = all ? existing.filter { HyphaTopic.eventName(fromTopic: $0) != nil } : []
        var waiting = false
        if all && topics.isEmpty {
            if exitAtEnd { throw CommandFailure.failed("there are no Hypha event topics yet") }
            Terminal.printError("there are no Hypha event topics yet; waiting for one")
        }
        for name in events {
            if EventGlob.isGlob(name) {
                let matched = existing.filter { topic in
                    HyphaTopic.eventName(fromTopic: topic).map { EventGlob.matches(name, $0) } ?? false
                }
                if matched.isEmpty {
                    if exitAtEnd {
                        throw CommandFailure.failed("no event topic matches '\(name)' (see `hyphactl topics list`)")
                    }
                    Terminal.printError("no event topic matches '\(name)' yet; waiting for one")
                }
                topics += matched
            } else {
                let topic = TopicReference.resolve(name, existing: known)
                if !known.contains(topic) && !exitAtEnd {
                    Terminal.printError("topic \(topic) (event \(name)) does not exist yet; waiting for it")
                    waiting = true
                }
                topics.append(topic)
            }
        }
        var seen = Set<String>()
        return (topics.filter { seen.insert($0).inserted }, waiting)
    }

    /// While following: which topics to pick up once they appear. Named events'
    /// topics are waited for by the consumer itself; nil when there is nothing to
    /// look for (every named topic is there, no glob, no --all).
    private func discovery(waiting: Bool) -> (@Sendable (String) -> Bool)? {
        let globs = events.filter(EventGlob.isGlob)
        guard all || !globs.isEmpty || waiting else { return nil }
        let all = all
        return { topic in
            guard let event = HyphaTopic.eventName(fromTopic: topic) else { return false }
            return all || globs.contains { EventGlob.matches($0, event) }
        }
    }
}

/// `--decode msgpack`.
enum TailDecoding: String, ExpressibleByArgument, CaseIterable { case msgpack }

/// `--type`: the type in an event's key (`d:`, `s:`, `b:`).
enum TailKeyType: String, ExpressibleByArgument, CaseIterable {
    case d, s, b
}

/// Shell-style globs over event names; a topic's mapped name (`ws-1/*` for
/// `ws-1_alice_msg.<hash>`) as `HyphaTopic.mappedGlob` says.
enum EventGlob {
    static func isGlob(_ text: String) -> Bool { text.contains { "*?[".contains($0) } }
    static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, 0) == 0 || fnmatch(HyphaTopic.mappedGlob(pattern), name, 0) == 0
    }
}

/// SIGINT and SIGTERM raise the stop flag instead of killing the process.
final class SignalWatch {
    private let sources: [any DispatchSourceSignal]
    private let caught = CaughtSignal()

    init(_ stop: TailStopSignal) {
        let caught = caught
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                caught.record(number)
                stop.stop()
            }
            source.resume()
            return source
        }
    }

    /// The first signal caught, if any.
    var received: Int32? { caught.number }

    func cancel() { sources.forEach { $0.cancel() } }
}

/// The first signal a `SignalWatch` caught.
private final class CaughtSignal: Sendable {
    private let first = Atomic<Int32>(0)

    func record(_ number: Int32) { _ = first.compareExchange(expected: 0, desired: number, ordering: .relaxed) }

    var number: Int32? {
        let number = first.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
