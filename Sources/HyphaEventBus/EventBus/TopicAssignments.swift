// SPDX-License-Identifier: Apache-2.0
import RDKafka

/// Which topics a bus reads and where each stands on its way in or out, as a
/// plain value: each method takes what happened and returns what to do, and
/// the consumer loop does it outside its lock. No librdkafka here, so every
/// decision is testable without a broker.
///
/// A topic goes `resolving` (where reading starts is looked up, off the loop's
/// thread, together with every other topic wanted meanwhile) → `assigned`
/// (reading) → `releasing` (its partitions' events in hand finish, what they
/// handled is committed, then the partitions are let go) → gone. A topic wanted
/// again while it is released is resolved again once it is gone, so that it
/// starts where the release committed. A lookup that failed leaves the topic
/// `failed` until `retry`. Waiters (an `on` call waiting for its topic) are
/// answered when the topic is assigned or its lookup failed.
struct TopicAssignments<Waiter> {
    enum Phase: Equatable {
        case resolving
        case assigned
        case releasing
        case failed
    }

    /// What the loop does next.
    enum Action {
        /// Look up where these topics start (one lookup for all of them).
        case resolve([String])
        /// Start reading the topic's partitions from these positions.
        case assign(String, [PartitionStart])
        /// Finish the topic's partitions' events in hand, commit, let them go, then call `released`.
        case release(String)
        /// These waiters' topic is being read.
        case ready([Waiter])
        /// These waiters' topic could not be looked up.
        case fail([Waiter], KafkaFailure)
    }

    private struct Topic {
        var phase: Phase
        var wanted: Bool
        var waiters: [Waiter] = []
    }

    private var topics: [String: Topic] = [:]
    /// Topics waiting for the next lookup, while one is under way.
    private var queued: [String] = []
    private var lookupRunning = false

    /// The topic's phase; nil when it is neither read nor on its way.
    func phase(_ topic: String) -> Phase? { topics[topic]?.phase }

    /// Topics assigned now.
    var assigned: [String] { topics.filter { $0.value.phase == .assigned }.map(\.key).sorted() }

    /// Reads exactly `wanted` from now on.
    mutating func want(_ wanted: Set<String>) -> [Action] {
        var actions: [Action] = []
        var toResolve: [String] = []
        for topic in wanted.sorted() {
            guard topics[topic] == nil else {
                topics[topic]?.wanted = true
                continue
            }
            topics[topic] = Topic(phase: .resolving, wanted: true)
            toResolve.append(topic)
        }
        for topic in topics.keys.sorted() where !wanted.contains(topic) {
            actions += set(topic, wanted: false)
        }
        return actions + lookup(toResolve)
    }

    /// Reads `topic`, or stops reading it; the other topics are left as they are.
    mutating func set(_ topic: String, wanted: Bool) -> [Action] {
        guard let entry = topics[topic] else {
            guard wanted else { return [] }
            topics[topic] = Topic(phase: .resolving, wanted: true)
            return lookup([topic])
        }
        guard entry.wanted != wanted else { return [] }
        topics[topic]?.wanted = wanted
        guard !wanted else { return [] }
        switch entry.phase {
        case .assigned:
            topics[topic]?.phase = .releasing
            return [.release(topic)]
        case .failed:
            topics[topic] = nil
            return entry.waiters.isEmpty ? [] : [.ready(entry.waiters)]
        case .resolving, .releasing:
            return []
        }
    }

    /// Answers `waiter` once `topic` is read (at once when it is); a topic not
    /// wanted, or whose lookup failed, answers at once with `ready` or `fail`.
    mutating func await(_ topic: String, _ waiter: Waiter, failure: @autoclosure () -> KafkaFailure) -> Action? {
        guard var entry = topics[topic], entry.wanted else { return .ready([waiter]) }
        switch entry.phase {
        case .assigned:
            return .ready([waiter])
        case .failed:
            return .fail([waiter], failure())
        case .resolving, .releasing:
            entry.waiters.append(waiter)
            topics[topic] = entry
            return nil
        }
    }

    /// Removes a waiter that gave up (its `on` was cancelled or timed out).
    mutating func forget(_ topic: String, where matches: (Waiter) -> Bool) -> [Waiter] {
        guard var entry = topics[topic] else { return [] }
        let gone = entry.waiters.filter(matches)
        entry.waiters.removeAll(where: matches)
        topics[topic] = entry
        return gone
    }

    /// A lookup ended with these results (a topic missing from them failed with `missing`).
    mutating func resolved(
        _ results: [String: Result<[PartitionStart], KafkaFailure>], asked: [String], missing: KafkaFailure
    ) -> [Action] {
        lookupRunning = false
        var actions: [Action] = []
        for topic in asked {
            guard var entry = topics[topic], entry.phase == .resolving else { continue }
            guard entry.wanted else {
                let waiters = entry.waiters
                topics[topic] = nil
                if !waiters.isEmpty { actions.append(.ready(waiters)) }
                continue
            }
            switch results[topic] ?? .failure(missing) {
            case .success(let starts):
                entry.phase = .assigned
                let waiters = entry.waiters
                entry.waiters = []
                topics[topic] = entry
                actions.append(.assign(topic, starts))
                if !waiters.isEmpty { actions.append(.ready(waiters)) }
            case .failure(let failure):
                entry.phase = .failed
                let waiters = entry.waiters
                entry.waiters = []
                topics[topic] = entry
                if !waiters.isEmpty { actions.append(.fail(waiters, failure)) }
            }
        }
        let next = queued
        queued = []
        actions += lookup(next)
        return actions
    }

    /// A release finished: the topic's partitions are let go.
    mutating func released(_ topic: String) -> [Action] {
        guard let entry = topics[topic], entry.phase == .releasing else { return [] }
        guard entry.wanted else {
            topics[topic] = nil
            return entry.waiters.isEmpty ? [] : [.ready(entry.waiters)]
        }
        topics[topic]?.phase = .resolving
        return lookup([topic])
    }

    /// Looks up again every wanted topic whose lookup failed.
    mutating func retry() -> [Action] {
        let failed = topics.filter { $0.value.phase == .failed && $0.value.wanted }.map(\.key).sorted()
        for topic in failed { topics[topic]?.phase = .resolving }
        return lookup(failed)
    }

    /// Everything, let go at once (the bus stops): the waiters still waiting.
    mutating func removeAll() -> [Waiter] {
        defer {
            topics = [:]
            queued = []
        }
        return topics.values.flatMap(\.waiters)
    }

    /// One lookup at a time: topics asked for while one runs go with the next.
    private mutating func lookup(_ toResolve: [String]) -> [Action] {
        guard !toResolve.isEmpty else { return [] }
        guard !lookupRunning else {
            queued += toResolve.filter { !queued.contains($0) }
            return []
        }
        lookupRunning = true
        return [.resolve(toResolve)]
    }
}

/// An action is handed from the lock that decided it to whoever performs it.
extension TopicAssignments.Action: Sendable where Waiter: Sendable {}
