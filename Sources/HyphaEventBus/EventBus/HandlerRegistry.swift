// SPDX-License-Identifier: Apache-2.0
/// Kafka events or local events.
enum HandlerSide { case kafka, local }

/// One registered handler.
struct HandlerEntry: Sendable {
    let id: HandlerID
    let once: Bool
    /// Held to the handler timeout; an `events()` loop's is not (it holds its
    /// partition for as long as the loop takes, as backpressure).
    let bounded: Bool
    let handler: EventHandler
}

/// Who listens to what: Kafka handlers, local handlers and `waitFor` waiters,
/// which handler calls are running, and to which handlers each event goes
/// (`startDispatch`, `nextStep`). A plain value kept behind the bus's lock; it
/// decides, the bus acts (and resumes what it returns outside the lock).
/// Generic over what an `off` call parks, so that its decisions are tested
/// without a running bus.
struct HandlerRegistry<OffWaiter> {
    typealias Side = HandlerSide
    typealias Entry = HandlerEntry

    private var nextID: UInt64 = 0
    private var kafka: [String: [Entry]] = [:]
    private var local: [String: [Entry]] = [:]
    private var waiters: [UInt64: EventWaiter] = [:]
    /// Calls running now, per handler.
    private var running: [HandlerID: Int] = [:]
    /// `off` calls waiting for a removed handler's running calls to end.
    private var offWaiters: [HandlerID: [OffWaiter]] = [:]
    /// Kafka handlers and waiters per event, kept as they come and go, so that
    /// a change costs the same with one event or thousands.
    private var interest: [String: Int] = [:]

    private mutating func note(_ event: String, _ change: Int) {
        let count = (interest[event] ?? 0) + change
        interest[event] = count > 0 ? count : nil
    }

    /// Whether the bus must read `event` from Kafka: it has a Kafka handler or a waiter.
    func isWanted(_ event: String) -> Bool { interest[event] != nil }

    mutating func makeID() -> HandlerID {
        nextID += 1
        return HandlerID(value: nextID)
    }

    mutating func add(
        _ side: Side, _ event: String, once: Bool, bounded: Bool = true, id: HandlerID,
        _ handler: @escaping EventHandler
    ) {
        let entry = Entry(id: id, once: once, bounded: bounded, handler: handler)
        switch side {
        case .kafka:
            kafka[event, default: []].append(entry)
            note(event, 1)
        case .local: local[event, default: []].append(entry)
        }
    }

    /// Removes one handler, or every handler of the event when `id` is nil;
    /// returns the ids removed.
    mutating func remove(_ side: Side, _ event: String, id: HandlerID?) -> [HandlerID] {
        func prune(_ entries: inout [String: [Entry]]) -> [HandlerID] {
            let current = entries[event] ?? []
            let removed = current.filter { id == nil || $0.id == id }
            let kept = current.filter { id != nil && $0.id != id }
            entries[event] = kept.isEmpty ? nil : kept
            return removed.map(\.id)
        }
        switch side {
        case .kafka:
            let removed = prune(&kafka)
            note(event, -removed.count)
            return removed
        case .local: return prune(&local)
        }
    }

    /// The handlers registered for one event now, in the order they were added.
    func entries(_ side: Side, _ event: String) -> [Entry] {
        switch side {
        case .kafka: kafka[event] ?? []
        case .local: local[event] ?? []
        }
    }

    /// Whether `entry` is to be called for an event now: it is still registered
    /// (a `once` handler is removed as it is claimed, so only one event gets it).
    /// A claimed call counts as running until `finish`.
    mutating func claim(_ side: Side, _ event: String, _ entry: Entry) -> Bool {
        func take(_ entries: inout [String: [Entry]]) -> Bool {
            guard let index = entries[event]?.firstIndex(where: { $0.id == entry.id }) else { return false }
            if entry.once {
                entries[event]?.remove(at: index)
                if entries[event]?.isEmpty == true { entries[event] = nil }
            }
            return true
        }
        let claimed: Bool
        switch side {
        case .kafka:
            claimed = take(&kafka)
            if claimed && entry.once { note(event, -1) }
        case .local: claimed = take(&local)
        }
        if claimed { running[entry.id, default: 0] += 1 }
        return claimed
    }

    /// A claimed call ended (or was given up on after the handler timeout);
    /// returns the `off` calls that may now return.
    mutating func finish(_ id: HandlerID) -> [OffWaiter] {
        running[id, default: 1] -= 1
        guard running[id] == 0 else { return [] }
        running[id] = nil
        return offWaiters.removeValue(forKey: id) ?? []
    }

    /// Parks `continuation` until every running call of `id` has ended; false
    /// (nothing parked) when none is running.
    mutating func awaitIdle(_ id: HandlerID, _ waiter: OffWaiter) -> Bool {
        guard running[id] != nil else { return false }
        offWaiters[id, default: []].append(waiter)
        return true
    }

    mutating func addWaiter(_ waiter: EventWaiter) -> UInt64 {
        nextID += 1
        waiters[nextID] = waiter
        note(waiter.event, 1)
        return nextID
    }

    /// Removes a waiter; returns its event when it was still there.
    @discardableResult
    mutating func removeWaiter(_ key: UInt64) -> String? {
        guard let waiter = waiters.removeValue(forKey: key) else { return nil }
        note(waiter.event, -1)
        return waiter.event
    }

    /// The waiters for one event name (their predicates are run outside the lock).
    func waiters(for event: String) -> [EventWaiter] {
        waiters.values.filter { $0.event == event }
    }

    /// Every waiter, removed (the bus is stopping).
    mutating func takeAllWaiters() -> [EventWaiter] {
        defer { waiters.removeAll() }
        for waiter in waiters.values { note(waiter.event, -1) }
        return Array(waiters.values)
    }

    /// Events the bus must read from Kafka: those with a Kafka handler or a waiter.
    var kafkaInterest: Set<String> { Set(interest.keys) }

    // MARK: - Dispatch

    /// One event on its way to the side's handlers: those registered when it
    /// came, in order, and, for a Kafka event none of them took, those
    /// registered since (a client's next loop, say).
    struct Dispatch {
        let event: String
        let side: Side
        fileprivate var pending: ArraySlice<Entry>
        /// The last id given out when `pending` was taken: later handlers are new.
        fileprivate var seenUpTo: UInt64
        fileprivate var lookedAgain = false
        fileprivate var claimedAny = false
        fileprivate var abandoned = false
    }

    /// What to do next with an event.
    enum DispatchStep {
        /// Run this handler (it is claimed: call `called` when it ends). A
        /// `once` Kafka handler claimed this way leaves the event's interest,
        /// so the bus tells the consumer whether the topic is still wanted.
        case call(Entry, interestChanged: Bool)
        /// The handler considered is gone (removed, or a `once` another event
        /// took): ask again.
        case skip
        /// The event is done with.
        case done(ConsumerLoop.Verdict)
    }

    mutating func startDispatch(_ event: String, side: Side) -> Dispatch {
        Dispatch(event: event, side: side, pending: entries(side, event)[...], seenUpTo: nextID)
    }

    /// The next step for `dispatch`; `owned` says whether its partition may
    /// still start a handler (always true for local events).
    mutating func nextStep(_ dispatch: inout Dispatch, owned: Bool) -> DispatchStep {
        if dispatch.abandoned { return .done(.abandoned) }
        if let entry = dispatch.pending.first {
            guard owned else { return .done(.abandoned) }
            dispatch.pending.removeFirst()
            guard claim(dispatch.side, dispatch.event, entry) else { return .skip }
            dispatch.claimedAny = true
            return .call(entry, interestChanged: entry.once && dispatch.side == .kafka)
        }
        if dispatch.claimedAny || dispatch.side == .local { return .done(.handled) }
        if !dispatch.lookedAgain {
            dispatch.lookedAgain = true
            dispatch.pending = entries(.kafka, dispatch.event).filter { $0.id.value > dispatch.seenUpTo }[...]
            return .skip
        }
        // Nobody had it: while something still reads the event it is handled
        // (nobody wanted it); else the topic is being let go, and the event
        // stays unhandled for whoever reads the topic next.
        return .done(isWanted(dispatch.event) ? .handled : .abandoned)
    }

    /// The handler called for `dispatch` ended: `handled` false when it never
    /// had the event (its `events()` loop ended first), which abandons the
    /// event. Returns the `off` calls that may now return.
    mutating func called(_ dispatch: inout Dispatch, _ id: HandlerID, handled: Bool) -> [OffWaiter] {
        if !handled { dispatch.abandoned = true }
        return finish(id)
    }
}
