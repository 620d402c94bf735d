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
    enum Kind: String, Sendable { case persistent, transient, once }

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
        /// every bus of its server (`P/<server>/<event>`), else the registration itself.
        let logical: String
        /// When its `on`/`once` returned.
        var added: Double?
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
        let created: Double
        var started: Double?
        var stopped: Double?
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

    func newInstance(server: Int) -> Int {
        let created = now()
        return state.withLock { state in
            state.instances.append(Instance(number: state.instances.count, server: server, created: created))
            return state.instances.count - 1
        }
    }

    func instanceStarted(_ instance: Int) {
        let at = now()
        state.withLock { $0.instances[instance].started = at }
    }

    /// Its `stop` returned: no handler of it may run from now on.
    func instanceStopped(_ instance: Int) {
        let at = now()
        state.withLock { state in
            if state.instances[instance].stopped == nil { state.instances[instance].stopped = at }
            for index in state.registrations.indices where state.registrations[index].instance == instance {
                if state.registrations[index].removed == nil {
                    state.registrations[index].removed = at
                    state.registrations[index].removedBy = "stop returned"
                }
            }
        }
    }

    func label(_ instance: Int) -> String { state.withLock { $0.instances[instance].label } }

    /// A registration about to be made; its handler records calls under the returned id.
    func register(instance: Int, server: Int, event: String, kind: Kind) -> Int {
        state.withLock { state in
            let id = state.registrations.count
            let logical = kind == .persistent ? "P/\(Plan.serverID(server))/\(event)" : "\(kind.rawValue)/\(id)"
            state.registrations.append(
                Registration(
                    id: id, instance: instance, server: server, event: event, kind: kind, logical: logical))
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
