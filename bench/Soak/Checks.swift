// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus

/// What the ledger says about the bus.
struct Verdict {
    var emits = 0
    var deliveries = 0
    var expected = 0
    /// What was due, by kind: `persistent N, client loops N, once N, waitFor N`.
    var dueByKind = ""
    var redelivered = 0
    /// One line per expected delivery that never came.
    var lost: [String] = []
    /// How many of those were emitted while their server was between two buses.
    var lostWhileRestarting = 0
    /// The lost per server and partition, with what that server read of the partition.
    var lostByPartition: [String] = []
    /// One per handler call out of order, after its `off`/`stop`, or otherwise wrong: its kind and a line.
    var disorder: [(kind: String, line: String)] = []
}

enum Checks {
    /// One delivery that was due and did not come.
    struct Missing {
        let emit: Ledger.Emit
        let server: Int
        /// `P/<server>/<event>` or `S/<server>/<name>`.
        let logical: String
    }

    /// At-least-once across restarts: every acknowledged emit must reach every server
    /// that had a persistent handler for its event registered (its first `on`
    /// returned) before the emit started, and every client whose loop was known to
    /// read (see `Ledger.Slot`) before it started, in any loop of that client. The
    /// expected deliveries and those that did not come.
    static func missing(_ state: Ledger.State) -> (expected: Int, missing: [Missing]) {
        var delivered = Set<String>()
        for call in state.calls where call.partition != nil {
            let registration = state.registrations[call.registration]
            guard registration.kind == .persistent || registration.logical.hasPrefix("S/"),
                let payload = call.payload
            else { continue }
            delivered.insert(registration.logical + "|" + payload)
        }
        var due: [String: [(server: Int, logical: String, since: Double)]] = [:]
        for subscription in state.subscriptions.values {
            due[subscription.event, default: []].append(
                (
                    subscription.server, "P/\(Plan.serverID(subscription.server))/\(subscription.event)",
                    subscription.since
                ))
        }
        for (logical, slot) in state.slots {
            if let since = slot.since { due[slot.name, default: []].append((slot.server, logical, since)) }
        }
        var expected = 0
        var missing: [Missing] = []
        for emit in state.emits {
            for reader in due[emit.event] ?? [] where reader.since < emit.started {
                expected += 1
                if !delivered.contains(reader.logical + "|" + emit.id) {
                    missing.append(Missing(emit: emit, server: reader.server, logical: reader.logical))
                }
            }
        }
        return (expected, missing.sorted { $0.emit.started < $1.emit.started })
    }

    /// Handler calls by `"<instance>|<event>"` (Kafka events only), in time order.
    private static func callsByBus(_ state: Ledger.State) -> [String: [Ledger.Call]] {
        var calls: [String: [Ledger.Call]] = [:]
        for call in state.calls where call.partition != nil {
            calls["\(state.registrations[call.registration].instance)|\(call.event)", default: []].append(call)
        }
        return calls
    }

    /// A `once` handler is due an event when it was still registered at the turn of
    /// a handler registered after it: the bus hands an event to an event's handlers
    /// in the order they were added, so a handler whose `on` was called after the
    /// `once` returned, called (on the same bus) before the `once`'s removal began,
    /// means the event passed the `once` first, which then must have fired.
    static func onceNeverFired(_ state: Ledger.State, _ calls: [String: [Ledger.Call]]) -> (due: Int, lost: [String]) {
        let fired = Set(state.calls.map(\.registration))
        var due = 0
        var lost: [String] = []
        for once in state.registrations where once.kind == .once {
            guard let added = once.added else { continue }
            let cutoff = once.removing ?? .infinity
            let later = calls["\(once.instance)|\(once.event)"]?.first { call in
                call.at < cutoff && state.registrations[call.registration].requested > added
            }
            guard let later else { continue }
            due += 1
            if fired.contains(once.id) { continue }
            let after = state.registrations[later.registration]
            lost.append(
                "once handler #\(once.id) of \(once.event) on \(state.instances[once.instance].label) (added at "
                    + "\(fixed(added, 3)) s\(once.removing.map { ", removed from \(fixed($0, 3)) s" } ?? "")) never fired, "
                    + "though \(after.kind.rawValue) handler #\(after.id), added after it, had \(later.payload ?? "-") at \(fixed(later.at, 3)) s"
            )
        }
        return (due, lost)
    }

    /// A `waitFor` that timed out was due an event when one emitted after it began
    /// reached its bus before its timeout: emitted through that bus (the local
    /// delivery comes first), or handed to a handler there. 50 ms of grace for the
    /// waiter to be in place.
    static func waitForMissed(_ state: Ledger.State, _ calls: [String: [Ledger.Call]]) -> (due: Int, lost: [String]) {
        var started: [String: Double] = [:]
        var emitsThrough: [String: [Ledger.Emit]] = [:]
        for emit in state.emits {
            started[emit.id] = emit.started
            emitsThrough["\(emit.instance)|\(emit.event)", default: []].append(emit)
        }
        var due = 0
        var lost: [String] = []
        for wait in state.waits {
            let key = "\(wait.instance)|\(wait.event)"
            let (from, deadline) = (wait.started + 0.05, wait.started + wait.timeout)
            let local = emitsThrough[key]?.first { $0.started > from && $0.returned < deadline }
            let read = calls[key]?.first { call in
                call.at < deadline && (call.payload.flatMap { started[$0] } ?? 0) > from
            }
            guard local != nil || read != nil else { continue }
            due += 1
            guard wait.outcome == .timedOut else { continue }
            let what =
                local.map { "\($0.id) was emitted through it at \(fixed($0.started, 3)) s" }
                ?? read.map { "a handler there had \($0.payload ?? "-") at \(fixed($0.at, 3)) s" } ?? ""
            lost.append(
                "waitFor \(wait.event) on \(state.instances[wait.instance].label) from \(fixed(wait.started, 3)) s "
                    + "timed out after \(fixed(wait.timeout)) s, though \(what)")
        }
        return (due, lost)
    }

    static func verdict(_ state: Ledger.State) -> Verdict {
        var verdict = Verdict(emits: state.emits.count, deliveries: state.calls.count)
        let (expected, missing) = missing(state)
        let calls = callsByBus(state)
        let onces = onceNeverFired(state, calls)
        let waits = waitForMissed(state, calls)
        verdict.expected = expected + onces.due + waits.due
        verdict.dueByKind = "persistent and client loops \(expected), once \(onces.due), waitFor \(waits.due)"
        verdict.lost = missing.map { describeLost($0, state) } + onces.lost + waits.lost
        verdict.lostWhileRestarting =
            missing.filter { lost in
                !state.instances.contains { instance in
                    guard instance.server == lost.server, let started = instance.started else { return false }
                    return started <= lost.emit.started && lost.emit.started <= instance.stopped ?? .infinity
                }
            }.count
        verdict.lostByPartition = lostByPartition(missing, state)
        verdict.disorder = state.problems.map { ("waitFor answered with another event", $0) }

        // Per (registration = bus instance and handler, partition): offsets rise within
        // a generation; a later generation may bring an offset again (redelivered).
        struct LaneKey: Hashable {
            let registration: Int
            let partition: TopicPartition
        }
        struct LaneSeen {
            var latest: UInt64
            var highest: [UInt64: Int64]
        }
        var lanes: [LaneKey: LaneSeen] = [:]
        var seen: [String: [Ledger.Call]] = [:]
        var onceCalls: [Int: Int] = [:]
        let causes = redeliveryCauses(state)
        var usedCauses: [String: Set<Int>] = [:]
        for call in state.calls {
            let registration = state.registrations[call.registration]
            var wrong: (kind: String, line: String)?
            var again = false
            if call.event != registration.event {
                wrong = (
                    "another event's handler", "an event named \(call.event) reached a handler of \(registration.event)"
                )
            }
            if let removed = registration.removed, call.at > removed {
                let cause = registration.removedBy ?? "removal"
                wrong = (
                    "handler called after its \(cause)",
                    "called \(fixed((call.at - removed) * 1000, 0)) ms after its \(cause) at \(fixed(removed, 3)) s"
                )
            }
            if registration.kind == .once {
                onceCalls[registration.id, default: 0] += 1
                let count = onceCalls[registration.id]!
                if count > 1 { wrong = ("once handler called again", "a once handler called a \(ordinal(count)) time") }
            }
            if let partition = call.partition {
                let key = LaneKey(registration: call.registration, partition: partition)
                if var lane = lanes[key] {
                    if call.generation < lane.latest {
                        wrong = (
                            "older generation after a newer one",
                            "generation \(call.generation) after generation \(lane.latest)"
                        )
                    } else if let highest = lane.highest[call.generation], call.offset <= highest {
                        wrong = (
                            call.offset == highest
                                ? "offset repeated within a generation" : "offset went back within a generation",
                            "offset \(call.offset) after \(highest) within generation \(call.generation)"
                        )
                    } else if registration.kind == .stream, let highest = lane.highest[call.generation],
                        call.offset != highest + 1
                    {
                        // A loop is handed every event of the partition from its first on, until its end.
                        wrong = (
                            "loop skipped events within a generation",
                            "offset \(call.offset) after \(highest) within generation \(call.generation)"
                        )
                    } else if call.offset <= lane.highest.filter({ $0.key < call.generation }).values.max() ?? -1 {
                        again = true
                    }
                    lane.latest = max(lane.latest, call.generation)
                    lane.highest[call.generation] = max(lane.highest[call.generation] ?? -1, call.offset)
                    lanes[key] = lane
                } else {
                    lanes[key] = LaneSeen(latest: call.generation, highest: [call.generation: call.offset])
                }
            }
            if let payload = call.payload {
                let key = registration.logical + "|" + payload
                if let earlier = seen[key] {
                    again = true
                    if wrong == nil, call.partition != nil,
                        let problem = unexplained(
                            call, after: earlier, state, causes: causes, used: &usedCauses[key, default: []])
                    {
                        wrong = ("redelivered without an assignment change", problem)
                    }
                }
                seen[key, default: []].append(call)
            }
            if let wrong {
                verdict.disorder.append((wrong.kind, "\(describe(call, registration, state)): \(wrong.line)"))
            } else if again {
                verdict.redelivered += 1
            }
        }
        return verdict
    }

    /// Per `"<instance>|<event>"`: the handlers, waiters' events aside, and loops that
    /// were removed or left, as (registration, when its `on` was called, when its
    /// removal began). Each may have made the bus read some of the event again:
    /// a loop left with an event in hand (re-read from it), the event's last reader
    /// gone (re-read from the committed offset when it is read again).
    private static func redeliveryCauses(_ state: Ledger.State) -> [String: [(
        id: Int, requested: Double, removing: Double
    )]] {
        var causes: [String: [(id: Int, requested: Double, removing: Double)]] = [:]
        for registration in state.registrations {
            guard let removing = registration.removing else { continue }
            causes["\(registration.instance)|\(registration.event)", default: []].append(
                (registration.id, registration.requested, removing))
        }
        return causes
    }

    /// An event may come again to a handler (or a client's loops) only after an
    /// assignment change, and at most once per change: on another bus of the server
    /// (a restart, a crash, two buses at once), or on the same bus after a handler
    /// or loop of the event that was registered when it came before was removed or
    /// left (within a second before that delivery, or after it). Nil when `call` is
    /// so explained (the cause used up), else why not.
    private static func unexplained(
        _ call: Ledger.Call, after earlier: [Ledger.Call], _ state: Ledger.State,
        causes: [String: [(id: Int, requested: Double, removing: Double)]], used: inout Set<Int>
    ) -> String? {
        let instance = state.registrations[call.registration].instance
        // The same payload at another offset was sent twice (a producer retry), not read again.
        let onThisBus = earlier.filter {
            state.registrations[$0.registration].instance == instance && $0.partition == call.partition
                && $0.offset == call.offset
        }
        guard let previous = onThisBus.last else { return nil }
        if previous.partition == call.partition && previous.generation == call.generation {
            return "came twice within generation \(call.generation) (before at \(fixed(previous.at, 3)) s)"
        }
        let cause = causes["\(instance)|\(call.event)"]?.first { cause in
            !used.contains(cause.id) && cause.requested < previous.at && cause.removing >= previous.at - 1
                && cause.removing <= call.at
        }
        guard let cause else {
            return
                "came again on the same bus (before at \(fixed(previous.at, 3)) s, generation \(previous.generation)) "
                + "with no handler or loop of \(call.event) removed in between"
        }
        used.insert(cause.id)
        return nil
    }

    private static func describe(_ call: Ledger.Call, _ registration: Ledger.Registration, _ state: Ledger.State)
        -> String
    {
        let place =
            call.partition.map { "\($0.topic)[\($0.partition)]@\(call.offset) gen \(call.generation)" } ?? "local"
        return
            "\(state.instances[registration.instance].label) \(registration.kind.rawValue) handler #\(registration.id) "
            + "of \(registration.event): \(call.payload ?? "-") from \(place) at \(fixed(call.at, 3)) s"
    }

    private static func describeLost(_ missing: Missing, _ state: Ledger.State) -> String {
        let (emit, server) = (missing.emit, missing.server)
        let since = state.subscriptions[missing.logical]?.since ?? state.slots[missing.logical]?.since ?? 0
        let buses = state.instances.filter { $0.server == server }.map { instance in
            "#\(instance.number) " + (instance.started.map { "up \(fixed($0))" } ?? "never up")
                + (instance.stopped.map { "–\(fixed($0))" } ?? "")
        }
        let readElsewhere = state.calls.first { $0.payload == emit.id && $0.partition != nil }
        let place = readElsewhere.flatMap { call in call.partition.map { "\($0.topic)[\($0.partition)]@\(call.offset)" }
        }
        return "\(emit.event) \(emit.id), emitted through \(state.instances[emit.instance].label) at "
            + "\(fixed(emit.started, 3))–\(fixed(emit.returned, 3)) s, never reached \(missing.logical) "
            + "(reading since \(fixed(since, 3)) s; its buses: \(buses.joined(separator: ", "))); "
            + (place.map { "stored at \($0)" } ?? "no handler anywhere read it")
    }

    /// `soak-1 e3[2]: 40 lost (@12…@57); it read e3[2] up to @11, last at 20.1 s`; the
    /// partition of an event no handler read is unknown (`e3[?]`).
    private static func lostByPartition(_ missing: [Missing], _ state: Ledger.State) -> [String] {
        var stored: [String: (TopicPartition, Int64)] = [:]
        for call in state.calls {
            if let payload = call.payload, let partition = call.partition { stored[payload] = (partition, call.offset) }
        }
        struct Key: Hashable {
            let server: Int
            let logical: String
            let event: String
            let partition: Int32?
        }
        let groups = Dictionary(grouping: missing) { lost in
            Key(
                server: lost.server, logical: lost.logical, event: lost.emit.event,
                partition: stored[lost.emit.id]?.0.partition)
        }
        return groups.sorted {
            ($0.key.server, $0.key.event, $0.key.partition ?? -1) < (
                $1.key.server, $1.key.event, $1.key.partition ?? -1
            )
        }
        .map { key, lost in
            let name = "\(key.event)[\(key.partition.map(String.init) ?? "?")]"
            let offsets = lost.compactMap { stored[$0.emit.id]?.1 }
            let range = offsets.isEmpty ? "" : " (@\(offsets.min()!)…@\(offsets.max()!))"
            var line = "\(key.logical) \(name): \(lost.count) lost\(range)"
            if let partition = key.partition {
                let logical = key.logical
                let read = state.calls.filter {
                    $0.partition?.partition == partition && $0.event == key.event
                        && state.registrations[$0.registration].logical == logical
                }
                if let highest = read.map(\.offset).max(), let last = read.last {
                    line += "; it read \(name) up to @\(highest), last at \(fixed(last.at)) s"
                    // Where reading stood around the gap: offset, generation, time.
                    let low = (offsets.min() ?? 0) - 3
                    let around = read.filter { $0.offset >= low }.prefix(6)
                        .map { "@\($0.offset) g\($0.generation) \(fixed($0.at)) s" }
                    if !around.isEmpty { line += "; from @\(low) on it read " + around.joined(separator: ", ") }
                } else {
                    line += "; it never read \(name)"
                }
            }
            return line
        }
    }

    private static func ordinal(_ n: Int) -> String {
        switch n {
        case 2: "second"
        case 3: "third"
        default: "\(n)th"
        }
    }
}
