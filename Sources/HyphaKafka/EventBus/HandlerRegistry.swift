/// Who listens to what: Kafka handlers, local handlers and `waitFor` waiters.
/// A plain value kept behind the bus's lock; it decides, the bus acts.
struct HandlerRegistry {
    /// Kafka events or local events.
    enum Side { case kafka, local }

    private struct Entry {
        let id: HandlerID
        let once: Bool
        let handler: EventHandler
    }

    struct Waiter {
        let event: String
        let predicate: @Sendable (BusEvent) -> Bool
        let continuation: CheckedContinuation<BusEvent, any Error>
    }

    private var nextID: UInt64 = 0
    private var kafka: [String: [Entry]] = [:]
    private var local: [String: [Entry]] = [:]
    private var waiters: [UInt64: Waiter] = [:]

    mutating func makeID() -> HandlerID {
        nextID += 1
        return HandlerID(value: nextID)
    }

    mutating func add(_ side: Side, _ event: String, once: Bool, id: HandlerID, _ handler: @escaping EventHandler) {
        let entry = Entry(id: id, once: once, handler: handler)
        switch side {
        case .kafka: kafka[event, default: []].append(entry)
        case .local: local[event, default: []].append(entry)
        }
    }

    /// Removes one handler, or every handler of the event when `id` is nil.
    mutating func remove(_ side: Side, _ event: String, id: HandlerID?) {
        func prune(_ entries: inout [String: [Entry]]) {
            if let id {
                entries[event]?.removeAll { $0.id == id }
            } else {
                entries[event] = nil
            }
            if entries[event]?.isEmpty == true { entries[event] = nil }
        }
        switch side {
        case .kafka: prune(&kafka)
        case .local: prune(&local)
        }
    }

    /// The handlers for one event now; `once` handlers are removed as they are taken.
    mutating func take(_ side: Side, _ event: String) -> [EventHandler] {
        func takeFrom(_ entries: inout [String: [Entry]]) -> [EventHandler] {
            guard let current = entries[event] else { return [] }
            let kept = current.filter { !$0.once }
            entries[event] = kept.isEmpty ? nil : kept
            return current.map(\.handler)
        }
        switch side {
        case .kafka: return takeFrom(&kafka)
        case .local: return takeFrom(&local)
        }
    }

    mutating func addWaiter(_ waiter: Waiter) -> UInt64 {
        nextID += 1
        waiters[nextID] = waiter
        return nextID
    }

    mutating func removeWaiter(_ key: UInt64) -> Waiter? {
        waiters.removeValue(forKey: key)
    }

    /// Waiters this event satisfies, removed.
    mutating func takeWaiters(for event: BusEvent) -> [Waiter] {
        let matched = waiters.filter { $0.value.event == event.name && $0.value.predicate(event) }
        for key in matched.keys { waiters[key] = nil }
        return Array(matched.values)
    }

    /// Every waiter, removed (the bus is stopping).
    mutating func takeAllWaiters() -> [Waiter] {
        defer { waiters.removeAll() }
        return Array(waiters.values)
    }

    /// Events the bus must read from Kafka: those with a Kafka handler or a waiter.
    var kafkaInterest: Set<String> {
        Set(kafka.keys).union(waiters.values.map(\.event))
    }
}
