// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import Logging
import ServiceLifecycle
import Synchronization

/// The bus settings of the soak (FaultInjectionTests' with shorter timeouts, so
/// that handler timeouts happen) and the bound of every call.
enum SoakSettings {
    static let kafkaTimeout: Duration = .seconds(10)
    static let deliveryTimeout: Duration = .seconds(15)
    static let handlerTimeout: Duration = .seconds(1)
    static let healthCheckInterval: Duration = .seconds(1)

    static let emitBound = deliveryTimeout + .seconds(10)
    static let subscribeBound = kafkaTimeout * 2 + handlerTimeout // on, once, start
    static let offBound = handlerTimeout + kafkaTimeout + .seconds(5)
    static let stopBound = handlerTimeout + deliveryTimeout + kafkaTimeout + .seconds(10)
    /// A dropped bus must be freed within this (what the soak's own calls hold of it included).
    static let goneBound = emitBound + .seconds(10)
    static func waitForBound(_ timeout: Duration) -> Duration { timeout + .seconds(5) }
}

/// The K servers: each is one running `KafkaEventBus` at a time (a restart ends
/// it and starts another with the same server id; an overlapping restart runs both
/// for a while) plus the persistent handlers and clients' loops every one of its
/// buses has.
final class Fleet: Sendable {
    /// A bus object and its number in the ledger.
    struct Member: Sendable {
        let bus: KafkaEventBus
        let instance: Int
        let label: String
        /// Set when the bus runs in a `ServiceGroup`.
        let service: ServiceRun?
    }

    /// A bus run as a `Service`: its group and the task running the group.
    final class ServiceRun: Sendable {
        let group: ServiceGroup
        let task: Task<Void, Never>
        private let over = Latch()

        init(_ bus: KafkaEventBus, logger: Logger) {
            let group = ServiceGroup(services: [bus], logger: logger)
            let over = over
            self.group = group
            task = Task {
                try? await group.run()
                over.set()
            }
        }

        /// Whether `run()` has returned (or thrown).
        var ended: Bool { over.isSet }
    }

    private struct Server {
        var current: Member?
        /// Persistent handlers whose first `on` returned: every later bus of the server registers them.
        var persistent: [(event: String, profile: HandlerProfile)] = []
        /// Which of them the current bus has registered.
        var registered: Set<String> = []
        /// How its next bus runs.
        var nextMode: RunMode = .started
    }

    let plan: Plan
    let ledger: Ledger
    let watchdog: Watchdog
    private let bootstrapServers: String
    private let logger: Logger
    private let servers: Mutex<[Server]>
    /// The tasks of the `events()` loops running on each bus instance (cancelled when it is dropped).
    private let loops = Mutex<[Int: [Int: Task<Void, Never>]]>([:])
    private let nextLoop = Mutex(0)
    /// Dropped buses, watched until they are freed.
    private let dropped = Mutex<[(instance: Int, bus: WeakBus)]>([])

    init(plan: Plan, bootstrapServers: String, ledger: Ledger, watchdog: Watchdog, logger: Logger) {
        self.plan = plan
        self.bootstrapServers = bootstrapServers
        self.ledger = ledger
        self.watchdog = watchdog
        self.logger = logger
        servers = Mutex(plan.firstMode.map { Server(nextMode: $0) })
    }

    /// The server's running bus; nil while it restarts.
    func current(_ server: Int) -> Member? { servers.withLock { $0[server].current } }

    private func makeBus(_ server: Int, mode: RunMode) -> (bus: KafkaEventBus, instance: Int, label: String) {
        let settings = KafkaClientSettings(
            bootstrapServers: bootstrapServers,
            properties: [
                KafkaProperty(name: "session.timeout.ms", value: "3000"),
                KafkaProperty(name: "max.poll.interval.ms", value: "6000"),
                KafkaProperty(name: "heartbeat.interval.ms", value: "500"),
            ],
            timeout: SoakSettings.kafkaTimeout, logger: logger, clientID: "event-bus-soak")
        let bus = KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: settings, serverID: Plan.serverID(server), healthCheckInterval: SoakSettings.healthCheckInterval,
                deliveryTimeout: SoakSettings.deliveryTimeout, handlerTimeout: SoakSettings.handlerTimeout))
        let instance = ledger.newInstance(server: server, mode: mode)
        return (bus, instance, ledger.label(instance) + (mode == .service ? "s" : ""))
    }

    // MARK: Handlers

    private struct HandlerFailure: Error {}

    /// A handler that records its call first, then does what its profile says for this
    /// event (holding its bus weakly: a handler that held it would keep a dropped bus alive).
    private func handler(
        _ registration: Int, logical: String, profile: HandlerProfile, server: Int, bus: WeakBus, instance: Int,
        label: String
    ) -> EventHandler {
        { [self, seed = plan.seed] event in
            ledger.call(registration, event)
            guard case .text(let payload)? = event.payload else { return }
            switch profile.act(seed: seed, handler: logical, payload: payload) {
            case .returns:
                return
            case .sleeps(let milliseconds):
                try? await Task.sleep(for: .milliseconds(milliseconds))
            case .fails:
                throw HandlerFailure()
            case .sleepsThenFails(let milliseconds):
                try? await Task.sleep(for: .milliseconds(milliseconds))
                throw HandlerFailure()
            case .subscribes(let event, let hold, let waitFor, let timeout):
                guard let strong = bus.bus else { return }
                let member = Member(bus: strong, instance: instance, label: label, service: nil)
                let name = plan.events[event].name
                if let added = await add(.transient, name, server: server, on: member, profile: .quick) {
                    // The hold keeps the bus weakly too: a task holding it would keep
                    // a dropped bus alive, and its handlers subscribing again.
                    Task { [bus] in
                        try? await Task.sleep(for: .seconds(hold))
                        guard let again = bus.bus else {
                            ledger.removing(added.registration)
                            ledger.removed(added.registration, by: "its bus was freed")
                            return
                        }
                        await remove(
                            name, added, on: Member(bus: again, instance: instance, label: label, service: nil))
                    }
                }
                await wait(for: plan.events[waitFor].name, timeout: timeout, on: member)
            }
        }
    }

    /// `on` (or `once`), recorded; the handler id when it returned.
    func add(
        _ kind: Ledger.Kind, _ event: String, server: Int, on member: Member, profile: HandlerProfile
    ) async -> (registration: Int, id: HandlerID)? {
        let registration = ledger.register(instance: member.instance, server: server, event: event, kind: kind)
        let logical = ledger.logical(registration)
        let handler = handler(
            registration, logical: logical, profile: profile, server: server, bus: WeakBus(member.bus),
            instance: member.instance, label: member.label)
        let running = member.bus.isRunning
        let started = ContinuousClock.now
        do {
            let id = try await watchdog.run(
                kind == .once ? "once \(event)" : "on \(event)", bus: member.label, bound: SoakSettings.subscribeBound
            ) {
                kind == .once ? try await member.bus.once(event, handler) : try await member.bus.on(event, handler)
            }
            if running { ledger.subscribeTook((ContinuousClock.now - started).seconds) }
            ledger.added(registration)
            return (registration, id)
        } catch {
            ledger.removed(registration, by: "\(kind == .once ? "once" : "on") threw")
            ledger.count("on/once failed")
            return nil
        }
    }

    /// `off`, recorded.
    func remove(_ event: String, _ added: (registration: Int, id: HandlerID), on member: Member) async {
        ledger.removing(added.registration)
        await watchdog.run("off \(event)", bus: member.label, bound: SoakSettings.offBound) {
            await member.bus.off(event, added.id)
        }
        ledger.removed(added.registration, by: "off returned")
    }

    /// `waitFor` any event named `event`, recorded.
    func wait(for event: String, timeout: Double, on member: Member) async {
        let started = ledger.now()
        let outcome: Ledger.Wait.Outcome
        do {
            let found = try await watchdog.run(
                "waitFor \(event)", bus: member.label, bound: SoakSettings.waitForBound(.seconds(timeout))
            ) {
                try await member.bus.waitFor(event, where: { _ in true }, timeout: .seconds(timeout))
            }
            outcome = .found
            if found.name != event {
                ledger.problem("waitFor \(event) on \(member.label) returned an event named \(found.name)")
            }
        } catch let failure as KafkaFailure where failure.kind == .notFound {
            outcome = .timedOut
        } catch is CancellationError {
            outcome = .cancelled
        } catch {
            outcome = .failed
        }
        ledger.count("waitFor \(outcome.rawValue)")
        ledger.waited(instance: member.instance, event: event, started: started, timeout: timeout, outcome)
    }

    /// A persistent handler on the server's current bus; from its first success on,
    /// every event emitted after it must reach this server.
    func subscribe(_ server: Int, _ event: String, profile: HandlerProfile) async {
        guard let member = current(server) else { return }
        guard await add(.persistent, event, server: server, on: member, profile: profile) != nil else { return }
        ledger.subscribed(server: server, event: event)
        servers.withLock { servers in
            if !servers[server].persistent.contains(where: { $0.event == event }) {
                servers[server].persistent.append((event, profile))
            }
            if servers[server].current?.instance == member.instance { servers[server].registered.insert(event) }
        }
    }

    // MARK: Loops

    /// An `events()` loop's task, and whether it has ended.
    struct Loop: Sendable {
        let task: Task<Void, Never>
        let done: Latch
    }

    /// Runs `body` as an `events()` loop of the bus instance: a task the instance's
    /// crash cancels.
    func loop(on member: Member, _ body: @escaping @Sendable () async -> Void) -> Loop {
        let key = nextLoop.withLock { key in
            key += 1
            return key
        }
        let done = Latch()
        let task = Task { [self] in
            await body()
            done.set()
            _ = loops.withLock { $0[member.instance]?.removeValue(forKey: key) }
        }
        loops.withLock { $0[member.instance, default: [:]][key] = task }
        return Loop(task: task, done: done)
    }

    // MARK: Starting and stopping

    /// One attempt: a new bus for the server, its persistent handlers registered
    /// (before it starts, as a restarted Hypha server does), started or run in a
    /// `ServiceGroup`; installed as the server's current bus (replacing the one
    /// there when `replacing`); true when it runs.
    private func startOnce(_ server: Int, replacing: Bool) async -> Bool {
        let mode = servers.withLock { $0[server].nextMode }
        let (bus, instance, label) = makeBus(server, mode: mode)
        let unstarted = Member(bus: bus, instance: instance, label: label, service: nil)
        let persistent = servers.withLock { $0[server].persistent }
        var registered: Set<String> = []
        for (event, profile) in persistent {
            if await add(.persistent, event, server: server, on: unstarted, profile: profile) != nil {
                registered.insert(event)
            }
        }
        let member: Member
        switch mode {
        case .started:
            member = unstarted
            do {
                try await watchdog.run("start", bus: member.label, bound: SoakSettings.subscribeBound) {
                    try await member.bus.start()
                }
            } catch {
                ledger.count("start failed")
                await end(member, .graceful)
                return false
            }
        case .service:
            member = Member(bus: bus, instance: instance, label: label, service: ServiceRun(bus, logger: logger))
            let up = await watchdog.run("run", bus: member.label, bound: SoakSettings.subscribeBound) { () -> Bool in
                while !bus.isRunning {
                    if member.service!.ended { return false }
                    try? await Task.sleep(for: .milliseconds(10))
                }
                return true
            }
            guard up else {
                ledger.count("start failed")
                await end(member, .graceful)
                return false
            }
        }
        ledger.instanceStarted(member.instance)
        let installed = servers.withLock { servers -> Bool in
            // The end of the run brings up servers whose restart had not finished: one bus each.
            guard servers[server].current == nil || replacing else { return false }
            servers[server].current = member
            servers[server].registered = registered
            return true
        }
        if !installed { await end(member, .graceful) }
        return true
    }

    /// Starts a bus for the server, again every second until one runs or `deadline`.
    func bringUp(_ server: Int, until deadline: ContinuousClock.Instant, replacing: Bool = false) async {
        while ContinuousClock.now < deadline {
            if await startOnce(server, replacing: replacing) { break }
            try? await Task.sleep(for: .seconds(1))
        }
        await registerMissing(server, until: deadline)
    }

    /// Persistent handlers the current bus has not registered (its `on` threw): again until they are.
    func registerMissing(_ server: Int, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            let (member, missing) = servers.withLock { servers in
                let server = servers[server]
                return (server.current, server.persistent.filter { !server.registered.contains($0.event) })
            }
            guard let member, !missing.isEmpty else { return }
            for (event, profile) in missing {
                guard await add(.persistent, event, server: server, on: member, profile: profile) != nil else {
                    continue
                }
                servers.withLock {
                    if $0[server].current?.instance == member.instance { $0[server].registered.insert(event) }
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The server's bus ended `how`, `down` seconds without one (`.overlap`: the new
    /// one first, both running for `down` seconds), then a new one, run as `next`.
    func restart(_ server: Int, down: Double, how: Ending, next: RunMode, until deadline: ContinuousClock.Instant)
        async
    {
        ledger.count("restarts")
        ledger.count("restarts \(how)")
        if how == .overlap {
            let old = servers.withLock { servers -> Member? in
                servers[server].nextMode = next
                return servers[server].current
            }
            await bringUp(server, until: deadline, replacing: true)
            try? await Task.sleep(for: .seconds(down))
            if let old { await end(old, .graceful) }
            return
        }
        let old = servers.withLock { servers -> Member? in
            defer {
                servers[server].current = nil
                servers[server].nextMode = next
            }
            return servers[server].current
        }
        // No bus (none could be started since the last restart): only the bringing up.
        if let old { await end(old, how) }
        try? await Task.sleep(for: .seconds(down))
        await bringUp(server, until: deadline)
    }

    /// Ends a bus as `how` says, recorded: `stop()` (or its group's graceful shutdown),
    /// its group's task cancelled, or dropped without `stop()`.
    func end(_ member: Member, _ how: Ending) async {
        if how == .crash && member.service == nil {
            return drop(member)
        }
        ledger.instanceStopping(member.instance)
        if let service = member.service {
            let cancel = how == .cancel || how == .crash
            await watchdog.run(cancel ? "cancel" : "shutdown", bus: member.label, bound: SoakSettings.stopBound) {
                if cancel { service.task.cancel() } else { await service.group.triggerGracefulShutdown() }
                await service.task.value
            }
        } else {
            await watchdog.run("stop", bus: member.label, bound: SoakSettings.stopBound) { await member.bus.stop() }
        }
        ledger.instanceStopped(member.instance)
    }

    /// The bus let go of without `stop()`, as a crashed process leaves it: its loops'
    /// tasks cancelled, no reference kept but a weak one, watched until it is freed.
    private func drop(_ member: Member) {
        ledger.instanceStopping(member.instance, dropped: true)
        let tasks = loops.withLock { $0.removeValue(forKey: member.instance) ?? [:] }
        for task in tasks.values { task.cancel() }
        dropped.withLock { $0.append((member.instance, WeakBus(member.bus))) }
    }

    /// Records dropped buses that were freed since; the instances still alive.
    func watchDropped() -> [(instance: Int, since: Double)] {
        let (gone, alive) = dropped.withLock { dropped in
            let gone = dropped.filter { $0.bus.bus == nil }.map(\.instance)
            dropped.removeAll { $0.bus.bus == nil }
            return (gone, dropped.map(\.instance))
        }
        for instance in gone { ledger.instanceGone(instance) }
        let instances = ledger.snapshot().instances
        return alive.map { ($0, instances[$0].dropped ?? 0) }
    }

    /// Every server's current bus, taken out of service (the end of the run).
    func takeAll() -> [Member] {
        servers.withLock { servers in
            defer { for index in servers.indices { servers[index].current = nil } }
            return servers.compactMap(\.current)
        }
    }
}

/// A bus held weakly.
struct WeakBus: Sendable {
    weak var bus: KafkaEventBus?
    init(_ bus: KafkaEventBus) { self.bus = bus }
}
