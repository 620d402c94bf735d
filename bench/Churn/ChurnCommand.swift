// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaWire
import Logging
import RDKafkaMock
import Synchronization

/// `bench/churn`: how fast a Hypha server's bus takes new subscriptions, the way
/// a server makes them (one new event per client that connects, while other
/// handlers run, from inside handlers), on the sandbox broker and on
/// librdkafka's mock cluster. One line per figure with its target.
@main
struct ChurnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event-bus-churn",
        abstract: "Measure how fast KafkaEventBus subscribes to new events, beside busy handlers and from inside them.",
        discussion: """
            Prints one line per figure with its target and ok or MISS; exits 1 when a figure misses.
            With --hold it is the stand-in for a crashed server: it subscribes, prints ready, and waits to be killed.
            """)

    @Option(help: "The sandbox broker (host:port); without it only the mock cluster is measured.")
    var bootstrap: String?

    @Option(help: "Subscriptions one after another, and at once, on the broker.")
    var count = 30

    @Flag(help: "Be the server that the restart figure kills: start, subscribe to --event, print ready, wait.")
    var hold = false

    @Option(help: "With --hold: the server id.")
    var serverID = "churn-held"

    @Option(help: "With --hold: the event to subscribe to.")
    var event = "churn-restart"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        if hold {
            let bus = Churn.bus(serverID, bootstrap: bootstrap ?? "")
            try await bus.start()
            try await bus.on(event) { _ in }
            FileHandle.standardOutput.write(Data("ready\n".utf8))
            while true { try await Task.sleep(for: .seconds(60)) }
        }
        var misses = 0
        if let bootstrap {
            print("on the sandbox broker at \(bootstrap) (session.timeout.ms=6000, max.poll.interval.ms=6000)")
            misses += try await Churn(bootstrap: bootstrap, count: count).measure()
        }
        print("on librdkafka's mock cluster (1 broker)")
        let cluster = try MockKafkaCluster(brokers: 1)
        misses += try await Churn(bootstrap: cluster.bootstrapServers, count: 10).measureSequentialOnly()
        withExtendedLifetime(cluster) {}
        Foundation.exit(misses == 0 ? 0 : 1)
    }
}

/// The figures, on one cluster.
struct Churn {
    let bootstrap: String
    let count: Int

    static func bus(_ serverID: String, bootstrap: String) -> KafkaEventBus {
        var logger = Logger(label: "churn")
        logger.logLevel = .critical
        let settings = KafkaClientSettings(
            bootstrapServers: bootstrap,
            properties: [
                KafkaProperty(name: "session.timeout.ms", value: "6000"),
                KafkaProperty(name: "max.poll.interval.ms", value: "6000"),
                KafkaProperty(name: "heartbeat.interval.ms", value: "1000"),
            ],
            timeout: .seconds(20), logger: logger)
        return KafkaEventBus(configuration: EventBusConfiguration(kafka: settings, serverID: serverID))
    }

    private func unique(_ name: String) -> String { "\(name)-\(UUID().uuidString.prefix(8))" }

    /// A figure and its target; true when met.
    private func report(_ what: String, _ value: Duration, target: Duration, _ detail: String = "") -> Bool {
        let ok = value <= target
        let text = String(format: "%.2f s", value.seconds)
        print("  \(what): \(text)\(detail.isEmpty ? "" : " (\(detail))")  target <= \(target)  \(ok ? "ok" : "MISS")")
        return ok
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.0f ms", duration.seconds * 1000)
    }

    func measureSequentialOnly() async throws -> Int {
        let bus = Self.bus(unique("churn-mock"), bootstrap: bootstrap)
        try await bus.start()
        defer { Task { await bus.stop() } }
        let (total, each) = try await sequential(bus, count)
        let sorted = each.sorted()
        let ok = report(
            "\(count) new on(), one after another", total, target: .seconds(1),
            "p50 \(Self.milliseconds(sorted[sorted.count / 2])), max \(Self.milliseconds(sorted.last!))")
        await bus.stop()
        return ok ? 0 : 1
    }

    private func sequential(_ bus: KafkaEventBus, _ count: Int) async throws -> (Duration, [Duration]) {
        var each: [Duration] = []
        let clock = ContinuousClock()
        let total = try await clock.measure {
            for index in 0..<count {
                let name = unique("ws/client-\(index)") + ":msg"
                each.append(try await clock.measure { try await bus.on(name) { _ in } })
            }
        }
        return (total, each)
    }

    func measure() async throws -> Int {
        var misses = 0
        let clock = ContinuousClock()
        let bus = Self.bus(unique("churn"), bootstrap: bootstrap)
        let sender = Self.bus(unique("churn-sender"), bootstrap: bootstrap)
        try await bus.start()
        try await sender.start()
        let received = NameSet()
        let record: EventHandler = { event in received.insert(event.name) }

        let (total, each) = try await sequential(bus, count)
        let sorted = each.sorted()
        if !report(
            "\(count) new on(), one after another", total, target: .seconds(3),
            "p50 \(Self.milliseconds(sorted[sorted.count / 2])), max \(Self.milliseconds(sorted.last!))")
        {
            misses += 1
        }

        var names: [String] = []
        let failed = Tally()
        let together = (0..<count).map { unique("ws/together-\($0)") + ":msg" }
        let concurrent = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                for name in together {
                    group.addTask {
                        do { try await bus.on(name, record) } catch { failed.add() }
                    }
                }
            }
        }
        names += together
        if !report(
            "\(count) new on() at once", concurrent, target: .seconds(2), "\(failed.value) failed")
        {
            misses += 1
        }

        let busyEvent = unique("busy")
        let started = Gate()
        let release = Gate()
        try await bus.on(busyEvent) { _ in
            started.open()
            await release.wait()
        }
        try await sender.emit(busyEvent, .text("hold"))
        await started.wait()
        let beside = unique("ws/beside") + ":msg"
        let besideTime = try await clock.measure { try await bus.on(beside, record) }
        names.append(beside)
        if !report("on() while another handler is busy", besideTime, target: .seconds(1)) { misses += 1 }

        let connect = unique("connect")
        let inside = unique("ws/inside") + ":msg"
        let insideTime = Measured()
        let done = Gate()
        try await bus.on(connect) { _ in
            let time = try? await clock.measure { try await bus.on(inside, record) }
            insideTime.set(time)
            done.open()
        }
        try await sender.emit(connect, .text("client"))
        await done.wait()
        names.append(inside)
        if let time = insideTime.value {
            if !report("on() from inside a handler", time, target: .seconds(1)) { misses += 1 }
        } else {
            print("  on() from inside a handler: failed  MISS")
            misses += 1
        }
        release.open()

        for name in names { try await sender.emit(name, .text("x")) }
        let deadline = ContinuousClock.now + .seconds(20)
        while received.count < names.count && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let delivered = received.count
        let allDelivered = delivered == names.count
        print(
            "  then one event to each of \(names.count) new names: \(delivered) delivered  target all  \(allDelivered ? "ok" : "MISS")"
        )
        if !allDelivered { misses += 1 }
        await bus.stop()

        misses += try await restartAfterKill(sender: sender) ? 0 : 1
        await sender.stop()
        return misses
    }

    /// A server killed with SIGKILL and started again at once with the same id:
    /// from its start to its first event.
    private func restartAfterKill(sender: KafkaEventBus) async throws -> Bool {
        let serverID = unique("churn-restart")
        let event = unique("restart")
        let held = Process()
        held.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        held.arguments = ["--hold", "--bootstrap", bootstrap, "--server-id", serverID, "--event", event]
        let output = Pipe()
        held.standardOutput = output
        try held.run()
        var line = Data()
        while !String(decoding: line, as: UTF8.self).contains("ready") {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line.append(chunk)
        }
        kill(held.processIdentifier, SIGKILL)
        held.waitUntilExit()
        let clock = ContinuousClock()
        let got = Gate()
        let restarted = Self.bus(serverID, bootstrap: bootstrap)
        let start = clock.now
        try await restarted.start()
        try await restarted.on(event) { _ in got.open() }
        try await sender.emit(event, .text("after the kill"))
        await got.wait()
        let ok = report(
            "restart after kill -9, same server id: started, subscribed, first event", clock.now - start,
            target: .seconds(2))
        await restarted.stop()
        return ok
    }
}

/// Opened once; every waiter, before or after, goes on.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func open() {
        let waiters = state.withLock { state in
            defer { state = (true, []) }
            return state.open ? [] : state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let open = state.withLock { state -> Bool in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// A count shared by tasks.
final class Tally: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// Event names seen by handlers.
final class NameSet: Sendable {
    private let names = Mutex<Set<String>>([])
    func insert(_ name: String) { _ = names.withLock { $0.insert(name) } }
    var count: Int { names.withLock { $0.count } }
}

/// A duration measured in one task, read in another.
final class Measured: Sendable {
    private let duration = Mutex<Duration?>(nil)
    func set(_ value: Duration?) { duration.withLock { $0 = value } }
    var value: Duration? { duration.withLock { $0 } }
}
