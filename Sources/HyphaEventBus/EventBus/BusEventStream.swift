// SPDX-License-Identifier: Apache-2.0
import AsyncAlgorithms
import Synchronization

extension KafkaEventBus {
    /// The Kafka events named `event`, as an asynchronous sequence:
    ///
    /// ```swift
    /// for try await event in bus.events("chat") { … }
    /// ```
    ///
    /// Iterating subscribes (as `on` does: the first `next()` returns or throws
    /// once the group has the event's topic); leaving the loop unsubscribes. Each
    /// event is handed over to the loop (a rendezvous): the bus counts it handled,
    /// and may commit its offset, only once the loop has taken it, so a slow loop
    /// holds up its partition as a slow handler would, for at most the handler
    /// timeout per event.
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

        /// The next event; nil once the iterating task is cancelled. Throws the
        /// failure of subscribing, on the first call.
        public mutating func next() async throws -> BusEvent? {
            try await subscription.next()
        }
    }
}

/// One iteration's handler: registered on the first `next()`, removed when the
/// iterator goes away.
private final class Subscription: Sendable {
    private let bus: KafkaEventBus
    private let event: String
    private let channel = AsyncChannel<BusEvent>()
    private let handler = Mutex<Registration>(.none)

    private enum Registration {
        case none
        case registered(HandlerID)
        case failed(KafkaFailure)
    }

    init(bus: KafkaEventBus, event: String) {
        self.bus = bus
        self.event = event
    }

    func next() async throws -> BusEvent? {
        try await subscribeOnce()
        var events = channel.makeAsyncIterator()
        return await events.next()
    }

    private func subscribeOnce() async throws {
        switch handler.withLock({ $0 }) {
        case .registered: return
        case .failed(let failure): throw failure
        case .none: break
        }
        let channel = channel
        do {
            let id = try await bus.on(event) { event in await channel.send(event) }
            handler.withLock { $0 = .registered(id) }
        } catch {
            handler.withLock { $0 = .failed(error) }
            throw error
        }
    }

    deinit {
        // Handler calls waiting to hand over an event return at once.
        channel.finish()
        if case .registered(let id) = handler.withLock({ $0 }) {
            Task { [bus, event] in await bus.off(event, id) }
        }
    }
}
