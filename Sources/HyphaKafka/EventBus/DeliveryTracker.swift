import Foundation
import Synchronization

/// Sends messages for many concurrent callers and hands each one its own
/// acknowledgement: a thread of its own reads the delivery reports.
final class DeliveryTracker: Sendable {
    private let producer: RDKafkaProducer
    private let pending = Mutex<(next: Int, waiting: [Int: CheckedContinuation<RDKafkaDelivery, Never>])>((0, [:]))
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)

    init(producer: RDKafkaProducer) {
        self.producer = producer
        // The thread holds the tracker (and so the producer) only while it serves,
        // so the handle can be destroyed as soon as `close()` returns.
        Thread.detachNewThread { [weak self, finished] in
            while let tracker = self, tracker.serveOnce() {}
            finished.signal()
        }
    }

    /// Reads reports for a while; false once closed and nothing is pending.
    private func serveOnce() -> Bool {
        guard running.load(ordering: .relaxed) || !pending.withLock({ $0.waiting.isEmpty }) else { return false }
        producer.serve(timeoutMilliseconds: 100) { settle($0) }
        return true
    }

    private func settle(_ delivery: RDKafkaDelivery) {
        let continuation = pending.withLock { $0.waiting.removeValue(forKey: delivery.tag) }
        continuation?.resume(returning: delivery)
    }

    /// Sends one message and waits for the broker's answer; nil error means delivered.
    /// With `waitAtMost`, an answer that takes longer counts as a failure (the
    /// message itself stays queued until its message timeout).
    func send(topic: String, key: [UInt8], value: [UInt8]?, waitAtMost: Duration? = nil) async -> RDKafkaDelivery {
        await withCheckedContinuation { continuation in
            let tag = pending.withLock { state in
                state.next += 1
                state.waiting[state.next] = continuation
                return state.next
            }
            if let waitAtMost {
                Task { [self] in
                    try? await Task.sleep(for: waitAtMost)
                    settle(RDKafkaDelivery(tag: tag, partition: -1, offset: -1, error: "no acknowledgement within \(waitAtMost)"))
                }
            }
            do throws(KafkaFailure) {
                try producer.produce(topic: topic, key: key, value: value, tag: tag) { settle($0) }
            } catch {
                settle(RDKafkaDelivery(tag: tag, partition: -1, offset: -1, error: error.description))
            }
        }
    }

    /// Waits until every message has been answered (each is bounded by its own
    /// message timeout), then stops reading reports.
    func close() async {
        running.store(false, ordering: .relaxed)
        let finished = finished
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                finished.wait()
                continuation.resume()
            }
        }
    }
}
