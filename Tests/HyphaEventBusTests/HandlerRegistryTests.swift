// SPDX-License-Identifier: Apache-2.0
import Testing

@testable import HyphaEventBus

/// Which handlers an event goes to, and when `off` may return, as plain values:
/// a parked `off` call is a number.
@Suite("event bus dispatch decisions, without a broker")
struct HandlerRegistryTests {
    typealias Registry = HandlerRegistry<Int>

    /// What a dispatch did, step by step, every handler it called ending as `handled`.
    enum Seen: Equatable {
        case call(HandlerID, interestChanged: Bool)
        case skip
        case done(ConsumerLoop.Verdict)
    }

    /// Registers a handler and returns its id.
    static func add(
        _ registry: inout Registry, _ event: String, _ side: HandlerSide = .kafka, once: Bool = false
    ) -> HandlerID {
        let id = registry.makeID()
        registry.add(side, event, once: once, id: id) { _ in }
        return id
    }

    /// Runs the dispatch to its end; `between` runs after each step (for
    /// registrations and removals while the event is on its way).
    static func run(
        _ registry: inout Registry, _ dispatch: inout Registry.Dispatch, owned: Bool = true,
        handled: Bool = true, between: (inout Registry, Int) -> Void = { _, _ in }
    ) -> [Seen] {
        var seen: [Seen] = []
        while seen.count < 50 {
            let step = registry.nextStep(&dispatch, owned: owned)
            switch step {
            case .skip: seen.append(.skip)
            case .done(let verdict):
                seen.append(.done(verdict))
                return seen
            case .call(let entry, let interestChanged):
                seen.append(.call(entry.id, interestChanged: interestChanged))
                let offCalls = registry.called(&dispatch, entry.id, handled: handled)
                #expect(offCalls == [])
            }
            between(&registry, seen.count)
        }
        Issue.record("the dispatch never ended")
        return seen
    }

    @Test("a Kafka event goes to its handlers in the order they were added, and is handled")
    func inOrder() {
        var registry = Registry()
        let ids = (0..<3).map { _ in Self.add(&registry, "ping") }
        _ = Self.add(&registry, "other")
        _ = Self.add(&registry, "ping", .local)
        var dispatch = registry.startDispatch("ping", side: .kafka)
        #expect(
            Self.run(&registry, &dispatch)
                == ids.map { .call($0, interestChanged: false) } + [.done(.handled)])
    }

    @Test("a once handler goes to one event only, and then leaves the event's interest")
    func once() {
        var registry = Registry()
        let id = Self.add(&registry, "ping", once: true)
        var first = registry.startDispatch("ping", side: .kafka)
        var second = registry.startDispatch("ping", side: .kafka)
        #expect(Self.run(&registry, &first) == [.call(id, interestChanged: true), .done(.handled)])
        #expect(!registry.isWanted("ping"))
        #expect(registry.entries(.kafka, "ping").isEmpty)
        // The second event found it taken, and nothing reads the event any more.
        #expect(Self.run(&registry, &second) == [.skip, .skip, .done(.abandoned)])
    }

    @Test("a Kafka event nobody had goes to a handler added since it came")
    func addedSince() {
        var registry = Registry()
        let gone = Self.add(&registry, "ws/c:msg")
        var dispatch = registry.startDispatch("ws/c:msg", side: .kafka)
        _ = registry.remove(.kafka, "ws/c:msg", id: gone)
        let next = Self.add(&registry, "ws/c:msg")
        #expect(Self.run(&registry, &dispatch) == [.skip, .skip, .call(next, interestChanged: false), .done(.handled)])
    }

    @Test("a handler added after the event came does not get it when an earlier one had it")
    func addedSinceNotWhenHad() {
        var registry = Registry()
        let first = Self.add(&registry, "ping")
        var dispatch = registry.startDispatch("ping", side: .kafka)
        var later: HandlerID?
        let seen = Self.run(&registry, &dispatch) { registry, _ in
            if later == nil { later = Self.add(&registry, "ping") }
        }
        #expect(seen == [.call(first, interestChanged: false), .done(.handled)])
        #expect(later != nil)
    }

    @Test("a Kafka event nobody had is handled while the event is still wanted, else left unhandled")
    func nobodyHadIt() {
        for stillWanted in [false, true] {
            var registry = Registry()
            let gone = Self.add(&registry, "ping")
            var dispatch = registry.startDispatch("ping", side: .kafka)
            _ = registry.remove(.kafka, "ping", id: gone)
            if stillWanted { _ = registry.addWaiter(EventWaiter(event: "ping", matches: { _ in true })) }
            #expect(
                Self.run(&registry, &dispatch) == [.skip, .skip, .done(stillWanted ? .handled : .abandoned)])
        }
    }

    @Test("a local event goes only to the local handlers there when it came")
    func local() {
        var registry = Registry()
        let gone = Self.add(&registry, "cache", .local)
        var dispatch = registry.startDispatch("cache", side: .local)
        _ = registry.remove(.local, "cache", id: gone)
        _ = Self.add(&registry, "cache", .local)
        // Unlike a Kafka event's, nobody reading it from Kafka does not abandon it.
        #expect(!registry.isWanted("cache"))
        #expect(Self.run(&registry, &dispatch) == [.skip, .done(.handled)])
    }

    @Test("a partition no longer owned starts no further handler")
    func notOwned() {
        var registry = Registry()
        _ = Self.add(&registry, "ping")
        var dispatch = registry.startDispatch("ping", side: .kafka)
        #expect(Self.run(&registry, &dispatch, owned: false) == [.done(.abandoned)])
        // Nothing was claimed, so no call is counted as running.
        let parked = registry.awaitIdle(registry.entries(.kafka, "ping")[0].id, 1)
        #expect(!parked)
    }

    @Test("a handler that never had the event (its loop ended) abandons it, and no later handler starts")
    func loopEndedFirst() {
        var registry = Registry()
        let first = Self.add(&registry, "ping")
        _ = Self.add(&registry, "ping")
        var dispatch = registry.startDispatch("ping", side: .kafka)
        #expect(
            Self.run(&registry, &dispatch, handled: false) == [.call(first, interestChanged: false), .done(.abandoned)])
    }

    @Test("off waits for every running call of the handler, and only those")
    func offWaitsForRunningCalls() {
        var registry = Registry()
        let id = Self.add(&registry, "ping")
        let other = Self.add(&registry, "ping")
        let parkedWhileIdle = registry.awaitIdle(id, 0)
        #expect(!parkedWhileIdle)
        var first = registry.startDispatch("ping", side: .kafka)
        var second = registry.startDispatch("ping", side: .kafka)
        guard case .call(let a, _) = registry.nextStep(&first, owned: true),
            case .call(let b, _) = registry.nextStep(&second, owned: true)
        else {
            Issue.record("the handler was not called")
            return
        }
        #expect(a.id == id && b.id == id)
        let removed = registry.remove(.kafka, "ping", id: id)
        #expect(removed == [id])
        let parkedFirst = registry.awaitIdle(id, 1)
        #expect(parkedFirst)
        let parkedSecond = registry.awaitIdle(id, 2)
        #expect(parkedSecond)
        let parkedOther = registry.awaitIdle(other, 3)
        #expect(!parkedOther)
        let afterFirst = registry.called(&first, id, handled: true)
        #expect(afterFirst == [])
        let afterSecond = registry.called(&second, id, handled: true)
        #expect(afterSecond == [1, 2])
        let parkedOnceIdle = registry.awaitIdle(id, 4)
        #expect(!parkedOnceIdle)
        // The removed handler is not called again; the other one still is.
        guard case .call(let next, _) = registry.nextStep(&first, owned: true) else {
            Issue.record("the remaining handler was not called")
            return
        }
        #expect(next.id == other)
    }

    @Test("off of every handler of an event removes only that event's Kafka handlers")
    func offAll() {
        var registry = Registry()
        let ids = [Self.add(&registry, "ping"), Self.add(&registry, "ping")]
        let kept = Self.add(&registry, "ping", .local)
        _ = Self.add(&registry, "pong")
        let removed = registry.remove(.kafka, "ping", id: nil)
        #expect(removed == ids)
        #expect(!registry.isWanted("ping"))
        #expect(registry.entries(.local, "ping").map(\.id) == [kept])
        #expect(registry.kafkaInterest == ["pong"])
    }

    @Test("Kafka handlers and waiters make an event wanted; local handlers do not")
    func interest() {
        var registry = Registry()
        _ = Self.add(&registry, "local-only", .local)
        #expect(!registry.isWanted("local-only"))
        let id = Self.add(&registry, "ping")
        let key = registry.addWaiter(EventWaiter(event: "ping", matches: { _ in true }))
        _ = registry.addWaiter(EventWaiter(event: "pong", matches: { _ in true }))
        #expect(registry.kafkaInterest == ["ping", "pong"])
        _ = registry.remove(.kafka, "ping", id: id)
        #expect(registry.isWanted("ping"))
        let removedEvent = registry.removeWaiter(key)
        #expect(removedEvent == "ping")
        let removedAgain = registry.removeWaiter(key)
        #expect(removedAgain == nil)
        #expect(!registry.isWanted("ping"))
        let taken = registry.takeAllWaiters()
        #expect(taken.map(\.event) == ["pong"])
        #expect(registry.kafkaInterest.isEmpty)
    }
}
