// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaWire
import Logging
import RDKafka
import RDKafkaMock
import Synchronization

/// One soak: the mock cluster and its topics, the buses with their first handlers,
/// the plan's lanes for `seconds`, then everything healed, the expected deliveries
/// awaited (while they still arrive, and 60 s past the last), the buses stopped, and the checks.
struct SoakRun {
    let plan: Plan
    let logger: Logger
    let ledgerFile: String?

    static let brokers = 3
    static let drainTime: Duration = .seconds(15)
    static let deliveryWait: Duration = .seconds(60)

    /// The exit status: 0 when nothing was lost, out of order or hung.
    func run() async -> Int32 {
        let ledger = Ledger()
        let watchdog = Watchdog(clock: ledger.clock)
        let watching = watchdog.watch()
        let cluster: MockKafkaCluster
        do {
            cluster = try MockKafkaCluster(brokers: Self.brokers)
            // The mock cluster creates no topic by itself.
            for event in plan.events {
                try cluster.createTopic(
                    HyphaTopic.forEvent(event.name), partitions: event.partitions, replicationFactor: Self.brokers)
            }
            for server in 0..<plan.buses {
                try cluster.createTopic(
                    HyphaTopic.healthCheck(serverID: Plan.serverID(server)), partitions: 1,
                    replicationFactor: Self.brokers)
            }
        } catch {
            printError("soak: the mock cluster: \(error)")
            return 2
        }
        let faults = FaultInjector(cluster: cluster, ledger: ledger)
        let fleet = Fleet(
            plan: plan, bootstrapServers: cluster.bootstrapServers, ledger: ledger, watchdog: watchdog, logger: logger)
        let streams = Streams(fleet: fleet, ledger: ledger, watchdog: watchdog, finished: Latch())
        let droppedWatch = Task {
            var reported = Set<Int>()
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                for (instance, since) in fleet.watchDropped()
                where ledger.now() - since > SoakSettings.goneBound.seconds && reported.insert(instance).inserted {
                    watchdog.flag(
                        "\(ledger.label(instance)) was dropped without stop() at \(fixed(since)) s and is still not freed"
                    )
                }
            }
        }
        say(
            "soak: seed \(plan.seed), \(plan.seconds) s, \(plan.buses) buses\(plan.calm ? " (calm)" : ""), "
                + "librdkafka \(LibrdkafkaVersion.loaded), \(Self.brokers) mock brokers; topics "
                + plan.events.map { "\($0.name)×\($0.partitions)" }.joined(separator: " "))

        // The buses and their first persistent handlers.
        let setupDeadline = ContinuousClock.now + .seconds(30)
        let setup = Pending()
        for server in 0..<plan.buses {
            setup.spawn { [plan] in
                await fleet.bringUp(server, until: setupDeadline)
                await withTaskGroup(of: Void.self) { group in
                    for (event, profile) in plan.initial[server] {
                        group.addTask { await fleet.subscribe(server, event, profile: profile) }
                    }
                }
            }
        }
        _ = await setup.drained(until: setupDeadline + .seconds(5))
        let subscribed = ledger.snapshot().subscriptions.count
        say(
            "soak: buses up at \(fixed(ledger.now())) s with \(subscribed) of \(plan.initial.joined().count) persistent handlers; "
                + "the schedule runs for \(plan.seconds) s")

        // The schedule.
        let start = ContinuousClock.now
        let end = start + .seconds(plan.seconds)
        let lanesEnd = end + Self.drainTime
        let lanes = Pending()
        let context = LaneContext(
            fleet: fleet, faults: faults, ledger: ledger, watchdog: watchdog, streams: streams, end: end,
            lanesEnd: lanesEnd)
        for lane in plan.lanes {
            lanes.spawn { await context.run(lane, start: start) }
        }
        let progress = Task {
            var next = start + .seconds(10)
            while next < end {
                try? await Task.sleep(until: next, clock: .continuous)
                if Task.isCancelled { return }
                say("soak: \(fixed((next - start).seconds, 0)) s: \(Self.progress(ledger.snapshot(), watchdog))")
                next += .seconds(10)
            }
        }
        try? await Task.sleep(until: end, clock: .continuous)
        progress.cancel()
        faults.heal()
        if !(await lanes.drained(until: lanesEnd)) {
            let open = watchdog.open.map { "\($0.name) on \($0.bus) since \(fixed($0.started)) s" }
            say("soak: \(lanes.count) lanes still busy after \(Self.drainTime): \(open.joined(separator: "; "))")
        }
        faults.heal()

        // Everything healed, nothing emitted any more: every server serving, and
        // every expected delivery awaited.
        let waitEnd = ContinuousClock.now + Self.deliveryWait
        for server in 0..<plan.buses {
            Task {
                if fleet.current(server) == nil {
                    await fleet.bringUp(server, until: waitEnd)
                } else {
                    await fleet.registerMissing(server, until: waitEnd)
                }
            }
        }
        // A long run leaves a backlog behind its slow handlers: wait while it
        // shrinks, and give up once nothing more arrived for `deliveryWait`.
        var report = ContinuousClock.now + .seconds(10)
        var (fewest, progressed) = (Int.max, ContinuousClock.now)
        while ContinuousClock.now - progressed < Self.deliveryWait {
            let (expected, missing) = Checks.missing(ledger.snapshot())
            if missing.isEmpty { break }
            if missing.count < fewest { (fewest, progressed) = (missing.count, .now) }
            if ContinuousClock.now >= report {
                say("soak: waiting for \(missing.count) of \(expected) expected deliveries")
                report += .seconds(10)
            }
            try? await Task.sleep(for: .milliseconds(250))
        }

        // Stop every bus (bounded like any stop, and by the run's budget); the
        // clients' loops end with them.
        streams.finished.set()
        let stopping = Pending()
        for member in fleet.takeAll() {
            stopping.spawn { await fleet.end(member, .graceful) }
        }
        _ = await stopping.drained(until: ContinuousClock.now + SoakSettings.stopBound + .seconds(1))
        watching.cancel()
        droppedWatch.cancel()
        _ = fleet.watchDropped()

        let state = ledger.snapshot()
        if let ledgerFile {
            do {
                try state.lines.joined(separator: "\n").write(toFile: ledgerFile, atomically: false, encoding: .utf8)
            } catch {
                printError("soak: \(ledgerFile): \(error)")
            }
        }
        return conclude(state, watchdog)
    }

    private func conclude(_ state: Ledger.State, _ watchdog: Watchdog) -> Int32 {
        let verdict = Checks.verdict(state)
        let hung = watchdog.hung
        for call in watchdog.open where !call.hung {
            printError(
                "soak: at the end, \(call.name) on \(call.bus) (started at \(fixed(call.started)) s) was still running, within its bound"
            )
        }
        let shown = 8
        for line in verdict.lost.prefix(shown) { printError("soak: lost: \(line)") }
        if verdict.lost.count > shown { printError("soak: … and \(verdict.lost.count - shown) more lost") }
        for line in verdict.lostByPartition.prefix(12) { printError("soak: lost at \(line)") }
        if verdict.lostWhileRestarting > 0 {
            printError(
                "soak: of the lost, \(verdict.lostWhileRestarting) were emitted while their server had no bus running (restarting)"
            )
        }
        // The first three of each kind, then how many of each.
        let kinds = Dictionary(grouping: verdict.disorder, by: \.kind)
        for entry in verdict.disorder where kinds[entry.kind]!.prefix(3).contains(where: { $0.line == entry.line }) {
            printError("soak: disorder: \(entry.line)")
        }
        if !kinds.isEmpty {
            printError(
                "soak: disorder by kind: "
                    + kinds.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", "))
        }
        for line in hung.prefix(shown) { printError("soak: \(line)") }

        let counters = state.counters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        say("soak: call times: \(watchdog.times)")
        say(
            "soak: expected deliveries \(verdict.expected) (\(verdict.dueByKind)); emits failed \(state.emitsFailed), "
                + "skipped \(state.emitsSkipped); handlers registered \(state.registrations.count), "
                + "bus objects \(state.instances.count); \(counters)")
        let times = state.subscribeTimes.sorted()
        func percentile(_ p: Double) -> String {
            times.isEmpty ? "-" : fixed(times[min(times.count - 1, Int(Double(times.count) * p))] * 1000, 0)
        }
        say(
            "soak: seconds \(plan.seconds), seed \(plan.seed), emits \(verdict.emits), deliveries \(verdict.deliveries), "
                + "redelivered \(verdict.redelivered), lost \(verdict.lost.count), disorder \(verdict.disorder.count), hung \(hung.count), "
                + "subscribe p50 \(percentile(0.5)) ms, p99 \(percentile(0.99)) ms, threads peak \(watchdog.peakThreads)"
        )
        return verdict.lost.isEmpty && verdict.disorder.isEmpty && hung.isEmpty ? 0 : 1
    }

    private static func progress(_ state: Ledger.State, _ watchdog: Watchdog) -> String {
        "emits \(state.emits.count) (failed \(state.emitsFailed), skipped \(state.emitsSkipped)), "
            + "handler calls \(state.calls.count), restarts \(state.counters["restarts"] ?? 0), "
            + "faults \(state.counters["faults"] ?? 0), calls running \(watchdog.open.count), hung \(watchdog.hung.count)"
    }
}

/// What a lane needs to carry out its steps.
struct LaneContext: Sendable {
    let fleet: Fleet
    let faults: FaultInjector
    let ledger: Ledger
    let watchdog: Watchdog
    let streams: Streams
    /// No step starts after `end`; a restart may keep trying to bring its bus up until `lanesEnd`.
    let end: ContinuousClock.Instant
    let lanesEnd: ContinuousClock.Instant

    func run(_ lane: Lane, start: ContinuousClock.Instant) async {
        for step in lane.steps {
            try? await Task.sleep(until: start + .seconds(step.at), clock: .continuous)
            guard ContinuousClock.now < end else { return }
            await perform(step.action)
        }
    }

    private func perform(_ action: Action) async {
        switch action {
        case .emit(let server, let event, let id, let count):
            // Through the planned server's bus, else (it is restarting) the next one's.
            let running = (0..<fleet.plan.buses).lazy.compactMap { fleet.current((server + $0) % fleet.plan.buses) }
                .first
            guard let member = running else {
                for _ in 0..<count { ledger.emitSkipped() }
                return
            }
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<count {
                    group.addTask { await emit(event, "\(id).\(index)", through: member) }
                }
            }
        case .subscribe(let server, let event, let profile):
            await fleet.subscribe(server, event, profile: profile)
        case .transient(let server, let event, let hold, let profile):
            await briefly(.transient, server, event, hold: hold, profile: profile)
        case .once(let server, let event, let hold, let profile):
            await briefly(.once, server, event, hold: hold, profile: profile)
        case .waitFor(let server, let event, let timeout):
            guard let member = fleet.current(server) else { return ledger.count("steps skipped") }
            await fleet.wait(for: event, timeout: timeout, on: member)
        case .restart(let server, let down, let how, let next):
            await fleet.restart(server, down: down, how: how, next: next, until: lanesEnd)
        case .stream(let server, let event, let hold, let end):
            await streams.transient(server, event, hold: hold, end: end)
        case .client(let server, let name):
            Task { await streams.client(server, name) }
        case .fault(let fault):
            await faults.apply(fault, end: end)
        }
    }

    private func emit(_ event: String, _ id: String, through member: Fleet.Member) async {
        let started = ledger.now()
        do {
            try await watchdog.run("emit \(event)", bus: member.label, bound: SoakSettings.emitBound) {
                try await member.bus.emit(event, .text(id))
            }
            ledger.emitted(id, event: event, instance: member.instance, started: started)
        } catch {
            ledger.emitFailed()
        }
    }

    /// `on` or `once`, `hold` seconds, `off`.
    private func briefly(_ kind: Ledger.Kind, _ server: Int, _ event: String, hold: Double, profile: HandlerProfile)
        async
    {
        guard let member = fleet.current(server) else { return ledger.count("steps skipped") }
        guard let added = await fleet.add(kind, event, server: server, on: member, profile: profile) else { return }
        try? await Task.sleep(for: .seconds(hold))
        await fleet.remove(event, added, on: member)
    }
}

/// Tasks that may never end (a hung bus call): waited for up to a deadline, then left.
final class Pending: Sendable {
    private let running = Mutex(0)

    var count: Int { running.withLock { $0 } }

    func spawn(_ body: @escaping @Sendable () async -> Void) {
        running.withLock { $0 += 1 }
        Task { [self] in
            await body()
            running.withLock { $0 -= 1 }
        }
    }

    /// True when every task ended before `deadline`.
    func drained(until deadline: ContinuousClock.Instant) async -> Bool {
        while count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return count == 0
    }
}

/// One line on stdout, at once (stdout may be a pipe).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
