// SPDX-License-Identifier: Apache-2.0
import Foundation
import RDKafka
import Synchronization

/// Sends messages for many concurrent callers and hands each one its own
/// outcome. A thread of its own is the one reader of the producer's delivery
/// reports; every send also has a deadline of its own, so that a report that
/// never comes cannot hold its caller (or `close`) for longer than that.
final class DeliveryTracker: Sendable {
    /// What became of one message.
    enum Outcome: Sendable {
        /// The broker acknowledged it.
        case delivered
        /// Kafka did not take it: no broker, a broker error, no answer in time.
        case failed(String)
        /// The message itself was refused (too large, say): the sender's error, not Kafka's.
        case refused(KafkaFailure)
        /// The tracker was closed before the message was queued; nothing was sent.
        case closed
    }

    private let producer: LentHandle<RDKafkaProducer>
    private let state = Mutex(State())

    private struct State {
        var open = true
        var finished = false
        var next = 0
        var pending: [Int: Pending] = [:]
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private struct Pending {
        let deadline: ContinuousClock.Instant
        let bound: Duration
        var waiter: CheckedContinuation<Outcome, Never>?
        var outcome: Outcome?
    }

    private init(producer: LentHandle<RDKafkaProducer>) {
        self.producer = producer
    }

    /// A tracker reading `producer`'s reports until it is closed.
    static func start(producer: LentHandle<RDKafkaProducer>) -> DeliveryTracker {
        let tracker = DeliveryTracker(producer: producer)
        Thread.detachNewThread {
            let done = tracker.producer.borrow { producer in tracker.serve(producer) } ?? tracker.finish()
            for waiter in done { waiter.resume() }
        }
        return tracker
    }

    /// The fatal error the producer met, if any.
    var fatalError: String? { producer.borrow { $0.client.observedEvents.fatalError } ?? nil }

    private func finish() -> [CheckedContinuation<Void, Never>] {
        state.withLock { state in
            state.finished = true
            defer { state.closeWaiters.removeAll() }
            return state.closeWaiters
        }
    }

    /// Reads reports until closed and every message has its outcome; returns
    /// the `close` calls to resume once the producer is let go.
    private func serve(_ producer: RDKafkaProducer) -> [CheckedContinuation<Void, Never>] {
        while true {
            producer.serve(timeoutMilliseconds: 100) { delivery in
                let outcome: Outcome =
                    if let error = delivery.error {
                        delivery.refusedMessage
                            ? .refused(KafkaFailure(.invalidInput, "the broker refused the event: \(error)"))
                            : .failed(error)
                    } else {
                        .delivered
                    }
                settle(delivery.tag, outcome)
            }
            let now = ContinuousClock.now
            let expired = state.withLock { state in
                state.pending.filter { $0.value.outcome == nil && $0.value.deadline <= now }.map {
                    ($0.key, $0.value.bound)
                }
            }
            for (tag, bound) in expired { settle(tag, .failed("no acknowledgement within \(bound)")) }
            let done = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                guard !state.open, state.pending.isEmpty else { return nil }
                state.finished = true
                defer { state.closeWaiters.removeAll() }
                return state.closeWaiters
            }
            if let done { return done }
        }
    }

    /// The first outcome of a message wins; the waiter gets it at once, or when it comes to wait.
    private func settle(_ tag: Int, _ outcome: Outcome) {
        let waiter = state.withLock { state -> CheckedContinuation<Outcome, Never>? in
            guard var pending = state.pending[tag], pending.outcome == nil else { return nil }
            if let waiter = pending.waiter {
                state.pending[tag] = nil
                return waiter
            }
            pending.outcome = outcome
            state.pending[tag] = pending
            return nil
        }
        waiter?.resume(returning: outcome)
    }

    /// Sends one message and waits for its outcome, at most `waitAtMost` (then it
    /// counts as failed; the message itself stays queued until its message
    /// timeout). Waits asynchronously for room while librdkafka's queue is full.
    func send(topic: String, key: [UInt8], value: [UInt8]?, waitAtMost: Duration) async -> Outcome {
        let deadline = ContinuousClock.now + waitAtMost
        let registered = state.withLock { state -> Int? in
            guard state.open else { return nil }
            state.next += 1
            state.pending[state.next] = Pending(deadline: deadline, bound: waitAtMost)
            return state.next
        }
        guard let tag = registered else { return .closed }
        await queue(tag, topic: topic, key: key, value: value, until: deadline)
        return await withCheckedContinuation { continuation in
            let outcome = state.withLock { state -> Outcome? in
                guard let pending = state.pending[tag] else {
                    return .failed("no acknowledgement within \(waitAtMost)")
                }
                if let outcome = pending.outcome {
                    state.pending[tag] = nil
                    return outcome
                }
                state.pending[tag]?.waiter = continuation
                return nil
            }
            if let outcome { continuation.resume(returning: outcome) }
        }
    }

    private func queue(
        _ tag: Int, topic name: String, key: [UInt8], value: [UInt8]?, until deadline: ContinuousClock.Instant
    ) async {
        do throws(KafkaFailure) {
            while true {
                let attempt: Result<Bool, KafkaFailure>? = producer.borrow { producer in
                    key.withUnsafeBytes { key in
                        withOptionalBytes(value) { value in
                            Result { () throws(KafkaFailure) in
                                try producer.tryProduce(to: try producer.topic(name), key: key, value: value, tag: tag)
                            }
                        }
                    }
                }
                guard let attempt else {
                    settle(tag, .closed)
                    return
                }
                if try attempt.get() { return }
                guard ContinuousClock.now < deadline else {
                    settle(tag, .failed("librdkafka's queue stayed full"))
                    return
                }
                guard !Task.isCancelled else {
                    settle(tag, .failed("cancelled while librdkafka's queue was full; nothing was sent"))
                    return
                }
                // The reading thread empties the queue meanwhile.
                try? await Task.sleep(for: .milliseconds(5))
            }
        } catch {
            settle(tag, error.kind == .invalidInput ? .refused(error) : .failed(error.reason))
        }
    }

    /// Refuses new messages, waits until every message sent has its outcome
    /// (each bounded by its own deadline), then stops reading reports.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { state -> Bool in
                state.open = false
                if !state.finished { state.closeWaiters.append(continuation) }
                return state.finished
            }
            if finished { continuation.resume() }
        }
    }
}
