// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
import HyphaWire
import Logging
import Synchronization

/// The bus's group consumer and the one thread that drives it: every call that
/// may block or that changes what the consumer reads (subscribe, assign,
/// pause, resume, commit, close) is made there, never on the cooperative pool
/// nor under the bus's lock. Other threads only leave requests and wake it.
///
/// Each assignment of a partition is a generation with a lane of its own; on
/// revocation the lane finishes the event in hand (for at most the settle
/// bound), drops what it had queued, stores nothing more, and the stored
/// offsets are committed before the partition is let go.
final class ConsumerLoop: Sendable {
    /// What the loop needs from its bus.
    struct Context: Sendable {
        let serverID: String
        let healthTopic: String
        let backlog: Int
        /// How long a revocation waits for the event in hand (the handler timeout and a margin).
        let settleBound: Duration
        let logger: Logger
        let metrics: BusMetrics
        /// Runs an event's handlers.
        let dispatch: @Sendable (BusEvent) async -> Void
    }

    private let consumer: RDKafkaGroupConsumer
    private let context: Context
    private let shared = Mutex(Shared())
    private let confined = Confined()

    /// Requests from other threads, and what they may read of the loop.
    private struct Shared {
        var topics: Set<String> = []
        var topicsChanged = false
        var stopping = false
        var finished = false
        var resumes: [(TopicPartition, UInt64)] = []
        var assigned: Set<TopicPartition> = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// How long an assignment is left to work before a subscription change (and
    /// the rebalance it brings) is applied: while handlers come and go faster than
    /// the group rebalances, it still reads between two rebalances.
    static let steadyPeriod: Duration = .seconds(1)

    /// State only the loop's thread touches.
    private final class Confined: @unchecked Sendable {
        // @unchecked Sendable: read and written on the loop's thread only.
        var lastAssigned: ContinuousClock.Instant?
        var lanes: [TopicPartition: PartitionLane] = [:]
        var paused: Set<TopicPartition> = []
        var generations: [TopicPartition: UInt64] = [:]
        var generation: UInt64 = 0
    }

    init(consumer: RDKafkaGroupConsumer, context: Context) {
        self.consumer = consumer
        self.context = context
    }

    /// Starts the thread.
    func start() {
        Thread.detachNewThread { [self] in run() }
    }

    /// Reads exactly these topics from now on; the latest call wins.
    func subscribe(_ topics: Set<String>) {
        let changed = shared.withLock { shared -> Bool in
            guard topics != shared.topics else { return false }
            shared.topics = topics
            shared.topicsChanged = true
            return true
        }
        if changed { consumer.wake() }
    }

    /// Whether some partition of `topic` is assigned to this bus now.
    func isAssigned(_ topic: String) -> Bool {
        shared.withLock { $0.assigned.contains { $0.topic == topic } }
    }

    /// Settles every lane, commits, leaves the group; returns when the thread has ended.
    func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = shared.withLock { shared -> Bool in
                shared.stopping = true
                if !shared.finished { shared.stopWaiters.append(continuation) }
                return shared.finished
            }
            if finished {
                continuation.resume()
            } else {
                consumer.wake()
            }
        }
    }

    // MARK: - The loop's thread

    private func run() {
        let listener = RDKafkaGroupConsumer.Listener(
            message: { [self] in receive($0) },
            assigned: { [self] in assigned($0) },
            revoking: { [self] partitions, _ in revoking(partitions) })
        while true {
            let settled = confined.lastAssigned.map { ContinuousClock.now - $0 >= Self.steadyPeriod } ?? true
            let (stopping, topics, resumes) = shared.withLock { shared in
                let topics = shared.topicsChanged && settled ? shared.topics : nil
                if topics != nil { shared.topicsChanged = false }
                defer { shared.resumes.removeAll() }
                return (shared.stopping, topics, shared.resumes)
            }
            if stopping { break }
            if let topics {
                do throws(KafkaFailure) {
                    try consumer.subscribe(topics.sorted())
                } catch {
                    context.logger.error("event bus \(context.serverID): \(error); trying again")
                    shared.withLock { $0.topicsChanged = true }
                }
            }
            for (partition, generation) in resumes
            where confined.lanes[partition]?.generation == generation && confined.paused.remove(partition) != nil {
                consumer.setPaused(false, [partition])
            }
            consumer.poll(timeoutMilliseconds: 100, listener)
        }
        revoking(Array(confined.lanes.keys))
        // Leaving revokes every partition, and that commits what was stored.
        consumer.close(listener)
        let waiters = shared.withLock { shared in
            shared.finished = true
            defer { shared.stopWaiters.removeAll() }
            return shared.stopWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func assigned(_ partitions: [TopicPartition]) {
        confined.lastAssigned = .now
        confined.generation += 1
        for partition in partitions { confined.generations[partition] = confined.generation }
        context.logger.debug(
            "event bus \(context.serverID): assigned \(partitions.count) partitions (generation \(confined.generation))"
        )
        shared.withLock { $0.assigned.formUnion(partitions) }
    }

    private func revoking(_ partitions: [TopicPartition]) {
        shared.withLock { $0.assigned.subtract(partitions) }
        let lanes = partitions.compactMap { confined.lanes.removeValue(forKey: $0) }
        for lane in lanes { lane.close() }
        let deadline = DispatchTime.now() + .nanoseconds(Int(context.settleBound.wholeMilliseconds) * 1_000_000)
        for lane in lanes { lane.awaitStop(until: deadline) }
        consumer.setPaused(false, partitions.filter { confined.paused.remove($0) != nil })
        for partition in partitions { confined.generations[partition] = nil }
    }

    private func receive(_ message: RawMessage) {
        let partition = TopicPartition(topic: message.topic, partition: message.partition)
        if message.topic == context.healthTopic {
            consumer.store(partition, next: message.offset + 1)
            return
        }
        guard let generation = confined.generations[partition] else { return }
        let lane = confined.lanes[partition] ?? openLane(partition, generation: generation)
        if lane.enqueue(item(for: message, partition: partition, generation: generation)) {
            consumer.setPaused(true, [partition])
            confined.paused.insert(partition)
        }
    }

    private func openLane(_ partition: TopicPartition, generation: UInt64) -> PartitionLane {
        let lane = PartitionLane(
            partition: partition, generation: generation, backlog: context.backlog, consumer: consumer)
        lane.run(handle: context.dispatch) { [self] lane in
            shared.withLock { $0.resumes.append((lane.partition, lane.generation)) }
            consumer.wake()
        }
        confined.lanes[partition] = lane
        return lane
    }

    private func item(for message: RawMessage, partition: TopicPartition, generation: UInt64) -> PartitionLane.Item {
        let decoded = DecodedEvent.decode(topic: message.topic, key: message.key, value: message.value)
        let payload: EventPayload?
        switch decoded.data {
        case .json(let value): payload = .json(value)
        case .text(let text): payload = .text(text)
        case .bytes(let bytes): payload = .bytes(bytes)
        case .none: payload = nil
        case .invalid(let reason, _):
            context.logger.warning(
                "event bus \(context.serverID): \(message.topic) [\(message.partition)] @\(message.offset): \(reason)")
            context.metrics.count(decoded.event, .undecodable)
            return .skip(offset: message.offset)
        }
        context.metrics.count(decoded.event, .received)
        let event = BusEvent(
            name: decoded.event, payload: payload,
            origin: .kafka(partition: partition, offset: message.offset, timestampMillis: message.timestampMillis),
            generation: generation)
        return .event(event, offset: message.offset)
    }
}
