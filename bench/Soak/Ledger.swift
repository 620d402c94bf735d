// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import Synchronization

/// Seconds since the soak started, on the monotonic clock.
struct SoakClock: Sendable {
    let origin = ContinuousClock.now

    func now() -> Double { (ContinuousClock.now - origin).seconds }
}

/// Everything the run did that the checks need: acknowledged emits, handler
/// registrations and removals, every handler call, bus instances.
final class Ledger: Sendable {
    enum Kind: String, Sendable { case persistent, transient, once, stream }

    /// An emit that returned success.
    struct Emit: Sendable {
        let id: String
        let event: String
        let instance: Int
        let started: Double
        let returned: Double
    }

    /// One `on`/`once` on one bus instance.
    struct Registration: Sendable {
        let id: Int
        let instance: Int
        let server: Int
        let event: String
        let kind: Kind
        /// What deliveries are counted against: for a persistent handler the same on
        /// every bus of its server (`P/<server>/<event>`), for a client's loops the same
        /// for every loop of it (`S/<server>/<name>`), else the registration itself.
        let logical: String
        /// When its `on`/`once` was called (a loop: its first `next()`).
        let requested: Double
        /// When its `on`/`once` returned.
        var added: Double?
        /// When its removal began: `off` called, its loop decided to end, its bus's
        /// `stop` called or the bus dropped.
        var removing: Double?
        /// The first of: its `off` returned, its `on` threw, its bus's `stop` returned.
        var removed: Double?
        var removedBy: String?
    }

    struct Call: Sendable {
        let registration: Int
        let event: String
        let payload: String?
        /// nil for a local event.
        let partition: TopicPartition?
        let offset: Int64
        let generation: UInt64
        let at: Double
    }

    /// A server's persistent handler for an event: from `since` (its first `on`
    /// returned) to the end, across restarts.
    struct Subscription: Sendable {
        let server: Int
        let event: String
        let since: Double
    }

    /// One `KafkaEventBus` object.
    struct Instance: Sendable {
        let number: Int
        let server: Int
        /// `started` or `service`.
        let mode: String
        let created: Double
        var started: Double?
        var stopped: Double?
        /// When the soak let go of it without `stop()`, and when it was seen freed.
        var dropped: Double?
        var gone: Double?
        var label: String { "\(Plan.serverID(server))#\(number)" }
    }

    struct State: Sendable {
        var emits: [Emit] = []
        var emitsFailed = 0
        var emitsSkipped = 0
        var registrations: [Registration] = []
        var calls: [Call] = []
        var subscriptions: [String: Subscription] = [:]
        var instances: [Instance] = []
        var counters: [String: Int] = [:]
        /// Disorder seen as it happened (a `waitFor` answered with another event).
        var problems: [String] = []
        /// Clients' loops by logical name (`S/<server>/<name>`).
        var slots: [String: Slot] = [:]
        var waits: [Wait] = []
        /// Per `"<instance>|<event>"`: when something happened that may change how the
        /// bus reads the event (a handler or loop removed, a loop left): a redelivery's cause.
        var changes: [String: [Double]] = [:]
        /// How long each `on`/`once` on a running bus took, in seconds.
        var subscribeTimes: [Double] = []
    }

    /// A client's messages, read by a loop of its server's bus from `since` to the end.
    struct Slot: Sendable {
        let server: Int
        let name: String
        /// When its first loop was known to read (a later `on` of the name, made
        /// while the loop was registered, returned): events emitted after it are due.
        var since: Double?
    }

    /// One `waitFor` call.
    struct Wait: Sendable {
        enum Outcome: String, Sendable { case found, timedOut, cancelled, failed }
        let instance: Int
        let event: String
        let started: Double
        let timeout: Double
        let outcome: Outcome
        let ended: Double
    }

    let clock = SoakClock()
    private let state = Mutex(State())

    func now() -> Double { clock.now() }

    func snapshot() -> State { state.withLock { $0 } }

    func count(_ name: String, by amount: Int = 1) {
        state.withLock { $0.counters[name, default: 0] += amount }
    }

    func problem(_ line: String) { state.withLock { $0.problems.append(line) } }

    // MARK: Emits

    func emitted(_ id: String, event: String, instance: Int, started: Double) {
        let returned = now()
        state.withLock {
            $0.emits.append(Emit(id: id, event: event, instance: instance, started: started, returned: returned))
        }
    }

    func emitFailed() { state.withLock { $0.emitsFailed += 1 } }

    func emitSkipped() { state.withLock { $0.emitsSkipped += 1 } }

    // MARK: Buses and handlers

    func newInstance(server: Int, mode: RunMode) -> Int {
        let created = now()
        return state.withLock { state in
            state.instances.append(
                Instance(number: state.instances.count, server: server, mode: mode.rawValue, created: created))
            return state.instances.count - 1
        }
    }

    func instanceStarted(_ instance: Int) {
        let at = now()
        state.withLock { $0.instances[instance].started = at }
    }

    /// Its `stop` was called (or its group told to shut down), or, `dropped`, the
    /// soak let go of it without `stop()`.
    func instanceStopping(_ instance: Int, dropped: Bool = false) {
        let at = now()
        state.withLock { state in
            if dropped { state.instances[instance].dropped = at }
            for index in state.registrations.indices where state.registrations[index].instance == instance {
                Self.markRemoving(&state, index, at: at)
            }
        }
    }

    /// A dropped bus seen freed: none of its handlers may start from now on.
    func instanceGone(_ instance: Int) {
        let at = now()
        state.withLock { state in
            state.instances[instance].gone = at
            Self.markRemoved(&state, instance, at: at, by: "bus was freed")
        }
    }

    private static func markRemoved(_ state: inout State, _ instance: Int, at: Double, by cause: String) {
        for index in state.registrations.indices where state.registrations[index].instance == instance {
            if state.registrations[index].removed == nil {
                state.registrations[index].removed = at
                state.registrations[index].removedBy = cause
            }
        }
    }

    private static func markRemoving(_ state: inout State, _ index: Int, at: Double) {
        guard state.registrations[index].removing == nil else { return }
        state.registrations[index].removing = at
        let registration = state.registrations[index]
        state.changes["\(registration.instance)|\(registration.event)", default: []].append(at)
    }

    /// A handler's `off` is about to be called, or a loop is about to be left.
    func removing(_ registration: Int) {
        let at = now()
        state.withLock { Self.markRemoving(&$0, registration, at: at) }
    }

    func slotOpened(_ logical: String, server: Int, name: String) {
        state.withLock { state in
            if state.slots[logical] == nil { state.slots[logical] = Slot(server: server, name: name) }
        }
    }

    func slotSince(_ logical: String) -> Double? { state.withLock { $0.slots[logical]?.since } }

    func slotReading(_ logical: String) {
        let at = now()
        state.withLock { state in
            if state.slots[logical]?.since == nil { state.slots[logical]?.since = at }
        }
    }

    func waited(instance: Int, event: String, started: Double, timeout: Double, _ outcome: Wait.Outcome) {
        let wait = Wait(
            instance: instance, event: event, started: started, timeout: timeout, outcome: outcome, ended: now())
        state.withLock { $0.waits.append(wait) }
    }

    func subscribeTook(_ seconds: Double) { state.withLock { $0.subscribeTimes.append(seconds) } }

    /// Its `stop` returned: no handler of it may run from now on.
    func instanceStopped(_ instance: Int) {
        let at = now()
        state.withLock { state in
            if state.instances[instance].stopped == nil { state.instances[instance].stopped = at }
            Self.markRemoved(&state, instance, at: at, by: "stop returned")
        }
    }

    func label(_ instance: Int) -> String { state.withLock { $0.instances[instance].label } }

    /// A registration about to be made; its handler records calls under the returned id.
    func register(instance: Int, server: Int, event: String, kind: Kind, logical: String? = nil) -> Int {
        let at = now()
        return state.withLock { state in
            let id = state.registrations.count
            let logical =
                logical ?? (kind == .persistent ? "P/\(Plan.serverID(server))/\(event)" : "\(kind.rawValue)/\(id)")
            state.registrations.append(
                Registration(
                    id: id, instance: instance, server: server, event: event, kind: kind, logical: logical,
                    requested: at))
            return id
        }
    }

    func logical(_ registration: Int) -> String { state.withLock { $0.registrations[registration].logical } }

    func added(_ registration: Int) {
        let at = now()
        state.withLock { $0.registrations[registration].added = at }
    }

    func removed(_ registration: Int, by cause: String) {
        let at = now()
        state.withLock { state in
            guard state.registrations[registration].removed == nil else { return }
            state.registrations[registration].removed = at
            state.registrations[registration].removedBy = cause
        }
    }

    /// A persistent handler's first successful `on`: deliveries are expected from now.
    func subscribed(server: Int, event: String) {
        let at = now()
        let key = "P/\(Plan.serverID(server))/\(event)"
        state.withLock { state in
            if state.subscriptions[key] == nil {
                state.subscriptions[key] = Subscription(server: server, event: event, since: at)
            }
        }
    }

    /// A handler started (the first thing every soak handler does).
    func call(_ registration: Int, _ event: BusEvent) {
        let at = now()
        var payload: String?
        if case .text(let text)? = event.payload { payload = text }
        var partition: TopicPartition?
        var offset: Int64 = -1
        if case .kafka(let read, let position, _) = event.origin {
            partition = read
            offset = position
        }
        let call = Call(
            registration: registration, event: event.name, payload: payload, partition: partition, offset: offset,
            generation: event.generation, at: at)
        state.withLock { $0.calls.append(call) }
    }
}

extension Ledger.State {
    /// Everything recorded, one line each, in the order it happened within each kind.
    var lines: [String] {
        func time(_ value: Double?) -> String { value.map { fixed($0, 3) } ?? "-" }
        var lines = instances.map { instance in
            "bus \(instance.label) (\(instance.mode)) created \(time(instance.created)) started \(time(instance.started)) "
                + "stopped \(time(instance.stopped)) dropped \(time(instance.dropped)) gone \(time(instance.gone))"
        }
        lines += registrations.map { r in
            "handler #\(r.id) \(r.kind.rawValue) \(r.logical) on \(instances[r.instance].label) of \(r.event): "
                + "requested \(time(r.requested)) added \(time(r.added)) removing \(time(r.removing)) "
                + "removed \(time(r.removed)) \(r.removedBy ?? "")"
        }
        lines += emits.map {
            "emit \($0.id) \($0.event) via \(instances[$0.instance].label) \(time($0.started))–\(time($0.returned))"
        }
        lines += calls.map { call in
            let place =
                call.partition.map { "\($0.topic)[\($0.partition)]@\(call.offset) gen \(call.generation)" } ?? "local"
            return "call #\(call.registration) \(call.event) \(call.payload ?? "-") \(place) at \(time(call.at))"
        }
        lines += waits.map {
            "waitFor \($0.event) on \(instances[$0.instance].label) \(time($0.started)) timeout \($0.timeout) "
                + "\($0.outcome.rawValue) at \(time($0.ended))"
        }
        return lines
    }
}
