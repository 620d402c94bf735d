// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus

/// What the ledger says about the bus.
struct Verdict {
    var emits = 0
    var deliveries = 0
    var expected = 0
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
    /// At-least-once: every acknowledged emit must reach every server that had a
    /// persistent handler for its event registered (its first `on` returned) before
    /// the emit started. The expected deliveries and those that did not come.
    static func missing(_ state: Ledger.State) -> (expected: Int, missing: [(emit: Ledger.Emit, server: Int)]) {
        var delivered = Set<String>()
        for call in state.calls where call.partition != nil {
            let registration = state.registrations[call.registration]
            guard registration.kind == .persistent, let payload = call.payload else { continue }
            delivered.insert(registration.logical + "|" + payload)
        }
        let subscriptions = Dictionary(grouping: state.subscriptions.values, by: \.event)
        var expected = 0
        var missing: [(emit: Ledger.Emit, server: Int)] = []
        for emit in state.emits {
            for subscription in subscriptions[emit.event] ?? [] where subscription.since < emit.started {
                expected += 1
                let logical = "P/\(Plan.serverID(subscription.server))/\(emit.event)"
                if !delivered.contains(logical + "|" + emit.id) { missing.append((emit, subscription.server)) }
            }
        }
        return (expected, missing.sorted { $0.emit.started < $1.emit.started })
    }

    static func verdict(_ state: Ledger.State) -> Verdict {
        var verdict = Verdict(emits: state.emits.count, deliveries: state.calls.count)
        let (expected, missing) = missing(state)
        verdict.expected = expected
        verdict.lost = missing.map { describeLost($0.emit, server: $0.server, state) }
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
        var seen = Set<String>()
        var onceCalls: [Int: Int] = [:]
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
            if let payload = call.payload, !seen.insert(registration.logical + "|" + payload).inserted { again = true }
            if let wrong {
                verdict.disorder.append((wrong.kind, "\(describe(call, registration, state)): \(wrong.line)"))
            } else if again {
                verdict.redelivered += 1
            }
        }
        return verdict
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

    private static func describeLost(_ emit: Ledger.Emit, server: Int, _ state: Ledger.State) -> String {
        let since = state.subscriptions["P/\(Plan.serverID(server))/\(emit.event)"]?.since ?? 0
        let buses = state.instances.filter { $0.server == server }.map { instance in
            "#\(instance.number) " + (instance.started.map { "up \(fixed($0))" } ?? "never up")
                + (instance.stopped.map { "–\(fixed($0))" } ?? "")
        }
        let readElsewhere = state.calls.first { $0.payload == emit.id && $0.partition != nil }
        let place = readElsewhere.flatMap { call in call.partition.map { "\($0.topic)[\($0.partition)]@\(call.offset)" }
        }
        return "\(emit.event) \(emit.id), emitted through \(state.instances[emit.instance].label) at "
            + "\(fixed(emit.started, 3))–\(fixed(emit.returned, 3)) s, never reached \(Plan.serverID(server)) "
            + "(subscribed since \(fixed(since, 3)) s; its buses: \(buses.joined(separator: ", "))); "
            + (place.map { "stored at \($0)" } ?? "no handler anywhere read it")
    }

    /// `soak-1 e3[2]: 40 lost (@12…@57); it read e3[2] up to @11, last at 20.1 s`; the
    /// partition of an event no handler read is unknown (`e3[?]`).
    private static func lostByPartition(_ missing: [(emit: Ledger.Emit, server: Int)], _ state: Ledger.State)
        -> [String]
    {
        var stored: [String: (TopicPartition, Int64)] = [:]
        for call in state.calls {
            if let payload = call.payload, let partition = call.partition { stored[payload] = (partition, call.offset) }
        }
        struct Key: Hashable {
            let server: Int
            let event: String
            let partition: Int32?
        }
        let groups = Dictionary(grouping: missing) { lost in
            Key(server: lost.server, event: lost.emit.event, partition: stored[lost.emit.id]?.0.partition)
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
            var line = "\(Plan.serverID(key.server)) \(name): \(lost.count) lost\(range)"
            if let partition = key.partition {
                let logical = "P/\(Plan.serverID(key.server))/\(key.event)"
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
