// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import Logging
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
    static func waitForBound(_ timeout: Duration) -> Duration { timeout + .seconds(5) }
}

/// The K servers: each is one running `KafkaEventBus` at a time (a restart stops
/// it and starts another with the same server id) plus the persistent handlers
/// every one of its buses registers.
final class Fleet: Sendable {
    /// A bus object and its number in the ledger.
    struct Member: Sendable {
        let bus: KafkaEventBus
        let instance: Int
        let label: String
    }

    private struct Server {
        var current: Member?
        /// Persistent handlers whose first `on` returned: every later bus of the server registers them.
        var persistent: [(event: String, profile: HandlerProfile)] = []
        /// Which of them the current bus has registered.
        var registered: Set<String> = []
    }

    let plan: Plan
    let ledger: Ledger
    let watchdog: Watchdog
    private let bootstrapServers: String
    private let logger: Logger
    private let servers: Mutex<[Server]>

    init(plan: Plan, bootstrapServers: String, ledger: Ledger, watchdog: Watchdog, logger: Logger) {
        self.plan = plan
        self.bootstrapServers = bootstrapServers
        self.ledger = ledger
        self.watchdog = watchdog
        self.logger = logger
        servers = Mutex(Array(repeating: Server(), count: plan.buses))
    }

    /// The server's running bus; nil while it restarts.
    func current(_ server: Int) -> Member? { servers.withLock { $0[server].current } }

    private func makeBus(_ server: Int) -> Member {
        let settings = KafkaClientSettings(
            bootstrapServers: bootstrapServers,
            properties: [
                ("session.timeout.ms", "3000"), ("max.poll.interval.ms", "6000"), ("heartbeat.interval.ms", "500"),
            ],
            timeout: SoakSettings.kafkaTimeout, logger: logger, clientID: "event-bus-soak")
        let bus = KafkaEventBus(
            configuration: EventBusConfiguration(
                kafka: settings, serverID: Plan.serverID(server), healthCheckInterval: SoakSettings.healthCheckInterval,
                deliveryTimeout: SoakSettings.deliveryTimeout, handlerTimeout: SoakSettings.handlerTimeout))
        let instance = ledger.newInstance(server: server)
        return Member(bus: bus, instance: instance, label: ledger.label(instance))
    }

    // MARK: Handlers

    private struct HandlerFailure: Error {}

    /// A handler that records its call first, then does what its profile says for this event.
    private func handler(_ registration: Int, logical: String, profile: HandlerProfile) -> EventHandler {
        { [ledger, seed = plan.seed] event in
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
            }
        }
    }

    /// `on` (or `once`), recorded; the handler id when it returned.
    func add(
        _ kind: Ledger.Kind, _ event: String, server: Int, on member: Member, profile: HandlerProfile
    ) async -> (registration: Int, id: HandlerID)? {
        let registration = ledger.register(instance: member.instance, server: server, event: event, kind: kind)
        let logical = ledger.logical(registration)
        let handler = handler(registration, logical: logical, profile: profile)
        do {
            let id = try await watchdog.run(
                kind == .once ? "once \(event)" : "on \(event)", bus: member.label, bound: SoakSettings.subscribeBound
            ) {
                kind == .once ? try await member.bus.once(event, handler) : try await member.bus.on(event, handler)
            }
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
        await watchdog.run("off \(event)", bus: member.label, bound: SoakSettings.offBound) {
            await member.bus.off(event, added.id)
        }
        ledger.removed(added.registration, by: "off returned")
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

    // MARK: Starting and stopping

    /// One attempt: a new bus for the server, its persistent handlers registered
    /// (before `start`, as a restarted Hypha server does), started; true when it runs.
    private func startOnce(_ server: Int) async -> Bool {
        let member = makeBus(server)
        let persistent = servers.withLock { $0[server].persistent }
        var registered: Set<String> = []
        for (event, profile) in persistent {
            if await add(.persistent, event, server: server, on: member, profile: profile) != nil {
                registered.insert(event)
            }
        }
        do {
            try await watchdog.run("start", bus: member.label, bound: SoakSettings.subscribeBound) {
                try await member.bus.start()
            }
        } catch {
            ledger.count("start failed")
            await stop(member)
            return false
        }
        ledger.instanceStarted(member.instance)
        let installed = servers.withLock { servers -> Bool in
            // The end of the run brings up servers whose restart had not finished: one bus each.
            guard servers[server].current == nil else { return false }
            servers[server].current = member
            servers[server].registered = registered
            return true
        }
        if !installed { await stop(member) }
        return true
    }

    /// Starts a bus for the server, again every second until one runs or `deadline`.
    func bringUp(_ server: Int, until deadline: ContinuousClock.Instant) async {
        while ContinuousClock.now < deadline {
            if await startOnce(server) { break }
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

    /// The server's bus stopped, `down` seconds without one, then a new one.
    func restart(_ server: Int, down: Double, until deadline: ContinuousClock.Instant) async {
        let old = servers.withLock { servers -> Member? in
            defer { servers[server].current = nil }
            return servers[server].current
        }
        ledger.count("restarts")
        // No bus (none could be started since the last restart): only the bringing up.
        if let old { await stop(old) }
        try? await Task.sleep(for: .seconds(down))
        await bringUp(server, until: deadline)
    }

    /// `stop`, recorded: none of its handlers may run after it returned.
    func stop(_ member: Member) async {
        await watchdog.run("stop", bus: member.label, bound: SoakSettings.stopBound) { await member.bus.stop() }
        ledger.instanceStopped(member.instance)
    }

    /// Every server's current bus, taken out of service (the end of the run).
    func takeAll() -> [Member] {
        servers.withLock { servers in
            defer { for index in servers.indices { servers[index].current = nil } }
            return servers.compactMap(\.current)
        }
    }
}
