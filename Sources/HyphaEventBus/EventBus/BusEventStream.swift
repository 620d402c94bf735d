// SPDX-License-Identifier: Apache-2.0
import Synchronization

extension KafkaEventBus {
    /// The Kafka events named `event`, as an asynchronous sequence:
    ///
    /// ```swift
    /// for try await event in bus.events("chat") { … }
    /// ```
    ///
    /// Iterating subscribes (as `on` does: the first `next()` returns or throws
    /// once the bus reads the event's topic); leaving the loop unsubscribes.
    /// At-least-once, as for handlers: an event counts as handled, and its offset
    /// may be committed, only once the loop asks for the next one. An event the
    /// loop took but did not finish (it left with `break`, threw, or its task was
    /// cancelled), and every event after it, is read again by the next run of
    /// this server. The loop sets its partition's pace: no handler timeout
    /// applies. `stop()` ends the sequence; a fatal error of the bus ends it by
    /// throwing.
    public func events(_ event: String) -> BusEventStream {
        BusEventStream(bus: self, event: event)
    }
}

/// The events of one name on a `KafkaEventBus`; see `KafkaEventBus.events(_:)`.
public struct BusEventStream: AsyncSequence, Sendable {
    public typealias Element = BusEvent

    let bus: KafkaEventBus
    let event: String

    public func makeAsyncIterator() -> Iterator {
        Iterator(Subscription(bus: bus, event: event))
    }

    public struct Iterator: AsyncIteratorProtocol {
        private let subscription: Subscription

        fileprivate init(_ subscription: Subscription) { self.subscription = subscription }

        /// The next event (the one before it now counts as handled); nil once the
        /// iterating task is cancelled or the bus stopped. Throws the failure of
        /// subscribing, on the first call, and a fatal error of the bus.
        public mutating func next() async throws -> BusEvent? {
            try await subscription.next()
        }
    }
}

/// One iteration's handler: registered on the first `next()`, removed when the
/// loop ends or the iterator goes away.
private final class Subscription: Sendable {
    private let bus: KafkaEventBus
    private let event: String
    private let mailbox = StreamMailbox()
    private let handler = Mutex<Registration>(.none)

    private enum Registration {
        case none
        case registered(HandlerID)
        case failed(any Error)
    }

    init(bus: KafkaEventBus, event: String) {
        self.bus = bus
        self.event = event
    }

    func next() async throws -> BusEvent? {
        try await subscribeOnce()
        do {
            guard let event = try await mailbox.next() else {
                end()
                return nil
            }
            return event
        } catch {
            end()
            throw error
        }
    }

    private func subscribeOnce() async throws {
        switch handler.withLock({ $0 }) {
        case .registered: return
        case .failed(let failure): throw failure
        case .none: break
        }
        let mailbox = mailbox
        do {
            let id = try await bus.addStream(
                event, end: { mailbox.finish($0) },
                handler: { event in
                    guard await mailbox.offer(event) else { throw HandlerCall.NotTaken() }
                })
            handler.withLock { $0 = .registered(id) }
        } catch {
            handler.withLock { $0 = .failed(error) }
            throw error
        }
    }

    /// The handler goes first, so that no later event is offered; then the
    /// event in hand and those waiting are let go, unhandled.
    private func end() {
        if case .registered(let id) = handler.withLock({ $0 }) { bus.removeNow(event, id) }
        mailbox.finish(nil)
    }

    deinit {
        end()
    }
}

/// Hands events from the bus's handler calls to one iterating loop, one at a
/// time: an offer returns true (handled) when the loop asks for the next event
/// after taking it, false when the loop ends first.
final class StreamMailbox: Sendable {
    private let state = Mutex(State())

    private struct State {
        var offers: [(event: BusEvent, reply: CheckedContinuation<Bool, Never>)] = []
        var inHand: CheckedContinuation<Bool, Never>?
        var taker: CheckedContinuation<BusEvent?, any Error>?
        var ended = false
        var failure: KafkaFailure?
    }

    /// Offers an event; true once the loop has finished with it.
    func offer(_ event: BusEvent) async -> Bool {
        await withCheckedContinuation { (reply: CheckedContinuation<Bool, Never>) in
            let handOver = state.withLock { state -> (CheckedContinuation<BusEvent?, any Error>, BusEvent)?? in
                guard !state.ended else { return .none }
                guard let taker = state.taker else {
                    state.offers.append((event, reply))
                    return .some(nil)
                }
                state.taker = nil
                state.inHand = reply
                return .some((taker, event))
            }
            switch handOver {
            case .none: reply.resume(returning: false)
            case .some(nil): break
            case .some(let (taker, event)?): taker.resume(returning: event)
            }
        }
    }

    /// The next event; the one taken before counts as handled.
    func next() async throws -> BusEvent? {
        let finished = state.withLock { state in
            defer { state.inHand = nil }
            return state.inHand
        }
        finished?.resume(returning: true)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (taker: CheckedContinuation<BusEvent?, any Error>) in
                let ready = state.withLock { state -> Result<BusEvent?, any Error>? in
                    if !state.offers.isEmpty {
                        let (event, reply) = state.offers.removeFirst()
                        state.inHand = reply
                        return .success(event)
                    }
                    if state.ended { return state.failure.map { .failure($0) } ?? .success(nil) }
                    if Task.isCancelled { return .success(nil) }
                    state.taker = taker
                    return nil
                }
                if let ready { taker.resume(with: ready) }
            }
        } onCancel: {
            let taker = state.withLock { state in
                defer { state.taker = nil }
                return state.taker
            }
            taker?.resume(returning: nil)
        }
    }

    /// Ends the loop (with `failure`, or as the end of the sequence): the event
    /// in hand and every event offered are let go, unhandled.
    func finish(_ failure: KafkaFailure?) {
        let (inHand, offers, taker) = state.withLock { state in
            if !state.ended {
                state.ended = true
                state.failure = failure
            }
            defer {
                state.inHand = nil
                state.offers.removeAll()
                state.taker = nil
            }
            return (state.inHand, state.offers.map(\.reply), state.taker)
        }
        inHand?.resume(returning: false)
        for reply in offers { reply.resume(returning: false) }
        if let taker {
            if let failure { taker.resume(throwing: failure) } else { taker.resume(returning: nil) }
        }
    }
}
