// SPDX-License-Identifier: Apache-2.0
import AsyncAlgorithms
import HyphaWire
import Synchronization

/// The messages of one ``RPCConnection``; see ``RPCConnection/messages()``.
public struct RPCMessageStream: AsyncSequence, Sendable {
    public typealias Element = RPCMessage

    let connection: RPCConnection

    public func makeAsyncIterator() -> Iterator {
        Iterator(MessageSubscription(connection))
    }

    public struct Iterator: AsyncIteratorProtocol {
        private let subscription: MessageSubscription

        fileprivate init(_ subscription: MessageSubscription) { self.subscription = subscription }

        /// The next message; nil once the connection is disconnected or the
        /// iterating task is cancelled. Throws the failure of subscribing, on the
        /// first call.
        public mutating func next() async throws -> RPCMessage? {
            try await subscription.next()
        }
    }
}

/// One iteration's subscription: made on the first `next()`, removed when the
/// iterator goes away.
private final class MessageSubscription: Sendable {
    private let connection: RPCConnection
    private let channel = AsyncChannel<RPCMessage>()
    private let registration = Mutex<Registration>(.none)

    private enum Registration {
        case none
        case subscribed(token: UInt64)
        case failed(any Error)
        /// The connection was disconnected while the first step subscribed.
        case ended
    }

    init(_ connection: RPCConnection) { self.connection = connection }

    func next() async throws -> RPCMessage? {
        try await subscribeOnce()
        if case .ended = registration.withLock({ $0 }) { return nil }
        var messages = channel.makeAsyncIterator()
        return await messages.next()
    }

    private func subscribeOnce() async throws {
        switch registration.withLock({ $0 }) {
        case .subscribed, .ended: return
        case .failed(let failure): throw failure
        case .none: break
        }
        let channel = channel
        let wasOpen = !connection.isClosed
        do {
            let token = try await connection.subscribe(
                { message in await channel.send(message) }, finish: { channel.finish() })
            registration.withLock { $0 = .subscribed(token: token) }
        } catch {
            // Disconnected meanwhile: the sequence ends, as it would have a moment later.
            if wasOpen && connection.isClosed {
                registration.withLock { $0 = .ended }
                return
            }
            registration.withLock { $0 = .failed(error) }
            throw error
        }
    }

    deinit {
        // Handler calls waiting to hand over a message return at once.
        channel.finish()
        if case .subscribed(let token) = registration.withLock({ $0 }) {
            Task { [connection] in await connection.unsubscribe(token) }
        }
    }
}
