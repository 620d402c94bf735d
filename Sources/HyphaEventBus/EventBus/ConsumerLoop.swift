// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Foundation
import HyphaWire
import Logging
import RDKafka
import Synchronization

/// The bus's consumer and the one thread that drives it: every call that may
/// block or that changes what the consumer reads (assign, unassign, seek,
/// pause, resume, close) is made there, never on the cooperative pool nor under
/// a lock. Other threads only leave requests and wake it.
///
/// The bus assigns itself its topics' partitions (no group membership, so no
/// rebalance: see `RDKafkaAssignedConsumer`). Which topics are read, and where
/// each is on its way in or out, is decided by `TopicAssignments`; where a
/// topic starts is looked up off this thread, for every topic wanted meanwhile
/// at once. Each assignment of a partition is a generation with a lane of its
/// own; a lane whose event was abandoned (an `events()` loop left before taking
/// it) has its partition read again from that event, as a new generation.
final class ConsumerLoop: Sendable {
    /// What became of an event handed to the bus.
    enum Verdict: Sendable {
        /// Every handler had it: its offset may be stored.
        case handled
        /// It was not handled (the lane closed, or a stream ended before taking it):
        /// nothing is stored, and it is read again unless its topic is let go.
        case abandoned
        /// The bus is gone: nothing more is handled or stored.
        case busGone
    }

    /// What the loop needs from its bus.
    struct Context: Sendable {
        let serverID: String
        let healthTopic: String
        let backlog: Int
        /// How long `stop` waits for the event each partition has in hand.
        let settleBound: Duration
        let logger: Logger
        let metrics: BusMetrics
        /// Runs an event's handlers while `owned()` says the lane may start another.
        let dispatch: @Sendable (BusEvent, _ owned: @escaping @Sendable () -> Bool) async -> Verdict
        /// The consumer met a fatal error.
        let fatal: @Sendable (KafkaFailure) -> Void
    }

    /// An `awaitAssigned` call.
    struct Waiter: Sendable {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private let lent: LentHandle<RDKafkaAssignedConsumer>
    /// The client that looks up metadata and log ends (see `startPositions`).
    private let lookups: LentHandle<RDKafkaProducer>
    private let context: Context
    private let shared = Mutex(Shared())
    private let confined = Confined()

    /// Requests from other threads, and what they may read of the loop.
    private struct Shared {
        var table = TopicAssignments<Waiter>()
        var nextWaiter: UInt64 = 0
        var toAssign: [(topic: String, starts: [PartitionStart])] = []
        var toRelease: [String] = []
        var laneEnds: [(partition: TopicPartition, generation: UInt64, resumeAt: Int64?)] = []
        var resumes: [(TopicPartition, UInt64)] = []
        var stopping = false
        var finished = false
        var fatal = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// State only the loop's thread touches.
    private final class Confined: @unchecked Sendable {
        // @unchecked Sendable: read and written on the loop's thread only.
        /// Borrowed for the thread's whole run.
        var consumer: RDKafkaAssignedConsumer!
        var lanes: [TopicPartition: PartitionLane] = [:]
        var paused: Set<TopicPartition> = []
        var generations: [TopicPartition: UInt64] = [:]
        var generation: UInt64 = 0
        /// Each assigned topic's partitions.
        var owned: [String: [TopicPartition]] = [:]
        /// Topics being let go, and the closed lanes each still waits for.
        var releasing: [String: [TopicPartition: PartitionLane]] = [:]
        var lastRetry = ContinuousClock.now
    }

    /// How often topics whose lookup failed are looked up again.
    static let retryPeriod: Duration = .seconds(1)

    init(
        consumer: LentHandle<RDKafkaAssignedConsumer>, lookups: LentHandle<RDKafkaProducer>, context: Context
    ) {
        lent = consumer
        self.lookups = lookups
        self.context = context
    }

    private var consumer: RDKafkaAssignedConsumer { confined.consumer }

    /// Ends a poll that is waiting (from any thread).
    private func wake() {
        _ = lent.borrow { $0.wake() }
    }

    /// Starts the thread.
    func start() {
        Thread.detachNewThread { [self] in run() }
    }

    /// What `set` and `want` decided, for `perform` to carry out: lookups to
    /// start, topics to hand to the loop's thread, `awaitAssigned` calls to answer.
    struct Requests: Sendable {
        fileprivate let actions: [TopicAssignments<Waiter>.Action]
    }

    /// Decides to read `topic` from now on, or to stop reading it. A caller that
    /// decides under its own lock makes its latest change win, and then
    /// `perform`s the answer once that lock is released.
    func set(_ topic: String, wanted: Bool) -> Requests {
        Requests(
            actions: shared.withLock { shared in
                guard !shared.stopping else { return [] }
                return shared.table.set(topic, wanted: wanted)
            })
    }

    /// Decides to read exactly these topics from now on, as `set` does.
    func want(_ topics: Set<String>) -> Requests {
        Requests(
            actions: shared.withLock { shared in
                guard !shared.stopping else { return [] }
                return shared.table.want(topics)
            })
    }

    /// Carries out what `set` or `want` decided.
    func perform(_ requests: Requests) {
        perform(requests.actions)
    }

    /// Returns once `topic` is read (at once when it is, or is not wanted);
    /// throws the lookup's failure, `.unreachable` after `timeout`, or
    /// `CancellationError` when the calling task is cancelled.
    func awaitAssigned(_ topic: String, timeout: Duration) async throws {
        let id = shared.withLock { shared -> UInt64 in
            shared.nextWaiter += 1
            return shared.nextWaiter
        }
        let timer = Task { [self] in
            try await Task.sleep(for: timeout)
            give(
                up: id, topic,
                with: KafkaFailure(
                    .unreachable, "subscribe to \(topic): where to start reading it was not known within \(timeout)",
                    hint:
                        "check that the broker is up and answers for the group \(HyphaGroup.forServer(context.serverID))"
                ))
        }
        defer { timer.cancel() }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let action = shared.withLock { shared -> TopicAssignments<Waiter>.Action? in
                    guard !shared.stopping else {
                        return .fail([Waiter(id: id, continuation: continuation)], Self.stopped(topic))
                    }
                    return shared.table.await(
                        topic, Waiter(id: id, continuation: continuation),
                        failure: KafkaFailure(
                            .unreachable, "subscribe to \(topic): its partitions could not be looked up"))
                }
                if let action { perform([action]) }
                if Task.isCancelled { give(up: id, topic, with: CancellationError()) }
            }
        } onCancel: {
            give(up: id, topic, with: CancellationError())
        }
    }

    private func give(up id: UInt64, _ topic: String, with error: any Error) {
        let gone = shared.withLock { $0.table.forget(topic) { $0.id == id } }
        for waiter in gone { waiter.continuation.resume(throwing: error) }
    }

    private static func stopped(_ topic: String) -> KafkaFailure {
        KafkaFailure(.wrongState, "subscribe to \(topic): the event bus stopped")
    }

    /// Settles every lane, commits, lets every partition go; returns when the thread has ended.
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
                wake()
            }
        }
    }

    // MARK: - Actions

    private func perform(_ actions: [TopicAssignments<Waiter>.Action]) {
        var wake = false
        for action in actions {
            switch action {
            case .resolve(let topics):
                BlockingPool.shared.submit { [self] in
                    let looked = lent.borrow { consumer in
                        lookups.borrow { producer in
                            consumer.startPositions(topics, lookups: producer.client) { [self] in
                                !shared.withLock { $0.stopping }
                            }
                        }
                    }
                    let results = (looked ?? nil) ?? [:]
                    let missing = KafkaFailure(.unreachable, "its partitions could not be looked up")
                    let next = shared.withLock { $0.table.resolved(results, asked: topics, missing: missing) }
                    perform(next)
                }
            case .assign(let topic, let starts):
                shared.withLock { $0.toAssign.append((topic, starts)) }
                wake = true
            case .release(let topic):
                shared.withLock { $0.toRelease.append(topic) }
                wake = true
            case .ready(let waiters):
                for waiter in waiters { waiter.continuation.resume() }
            case .fail(let waiters, let failure):
                for waiter in waiters { waiter.continuation.resume(throwing: failure) }
            }
        }
        if wake { self.wake() }
    }

    // MARK: - The loop's thread

    private func run() {
        _ = lent.borrow { consumer in
            confined.consumer = consumer
            serve()
            confined.consumer = nil
        }
        let (waiters, stopWaiters) = shared.withLock { shared in
            shared.finished = true
            defer { shared.stopWaiters.removeAll() }
            return (shared.table.removeAll(), shared.stopWaiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: KafkaFailure(.wrongState, "subscribe: the event bus stopped"))
        }
        for waiter in stopWaiters { waiter.resume() }
    }

    private func serve() {
        let listener = RDKafkaAssignedConsumer.Listener(
            message: { [self] in receive($0) },
            fatal: { [self] reason in
                let first = shared.withLock { shared -> Bool in
                    defer { shared.fatal = true }
                    return !shared.fatal
                }
                if first {
                    context.logger.error("event bus \(context.serverID): the consumer met a fatal error: \(reason)")
                    context.fatal(KafkaFailure(.client, "the event bus's consumer met a fatal error: \(reason)"))
                }
            })
        while true {
            let (stopping, assigns, releases, ends, resumes) = shared.withLock { shared in
                defer {
                    shared.toAssign.removeAll()
                    shared.toRelease.removeAll()
                    shared.laneEnds.removeAll()
                    shared.resumes.removeAll()
                }
                return (shared.stopping, shared.toAssign, shared.toRelease, shared.laneEnds, shared.resumes)
            }
            if stopping { break }
            for (topic, starts) in assigns { assign(topic, starts) }
            for topic in releases { beginRelease(topic) }
            for end in ends { laneEnded(end.partition, end.generation, resumeAt: end.resumeAt) }
            for (partition, generation) in resumes
            where confined.lanes[partition]?.generation == generation && confined.paused.remove(partition) != nil {
                consumer.setPaused(false, [partition])
            }
            if ContinuousClock.now - confined.lastRetry >= Self.retryPeriod {
                confined.lastRetry = .now
                perform(shared.withLock { $0.table.retry() })
            }
            consumer.poll(timeoutMilliseconds: 100, listener)
        }
        // Closing the consumer serves its queue: what it still hands over is dropped.
        confined.generations.removeAll()
        // Lanes of topics being let go are waited for too: their handler in hand
        // must not run on after `stop` returned.
        let lanes = Array(confined.lanes.values) + confined.releasing.values.flatMap(\.values)
        confined.lanes.removeAll()
        confined.releasing.removeAll()
        for lane in lanes { lane.close() }
        let deadline = DispatchTime.now() + .nanoseconds(Int(context.settleBound.wholeMilliseconds) * 1_000_000)
        for lane in lanes { lane.awaitStop(until: deadline) }
        consumer.close(listener)
    }

    private func assign(_ topic: String, _ starts: [PartitionStart]) {
        confined.generation += 1
        let partitions = starts.map { TopicPartition(topic: topic, partition: $0.partition) }
        for partition in partitions { confined.generations[partition] = confined.generation }
        confined.owned[topic] = partitions
        var positions: [TopicPartition: Int64?] = [:]
        for start in starts { positions[TopicPartition(topic: topic, partition: start.partition)] = start.offset }
        consumer.assign(positions)
        // librdkafka keeps a partition's pause across unassign and assign: one let go
        // while paused (a release pauses, and so does a full lane) would never be read.
        consumer.setPaused(false, partitions)
        for partition in partitions { confined.paused.remove(partition) }
        context.logger.debug(
            "event bus \(context.serverID): reading \(topic), \(partitions.count) partitions (generation \(confined.generation))"
        )
    }

    private func beginRelease(_ topic: String) {
        let partitions = confined.owned[topic] ?? []
        for partition in partitions { confined.generations[partition] = nil }
        consumer.setPaused(true, partitions)
        let lanes = partitions.compactMap { confined.lanes.removeValue(forKey: $0) }
        confined.releasing[topic] = Dictionary(uniqueKeysWithValues: lanes.map { ($0.partition, $0) })
        for lane in lanes { lane.close() }
        if lanes.isEmpty { finishRelease(topic) }
    }

    private func finishRelease(_ topic: String) {
        confined.releasing[topic] = nil
        let partitions = confined.owned.removeValue(forKey: topic) ?? []
        // What the lanes handled is committed before the partitions go (the
        // commit is asked first; its answer comes as an event on this thread).
        consumer.commitStored(wait: false)
        consumer.unassign(partitions)
        for partition in partitions { confined.paused.remove(partition) }
        context.logger.debug("event bus \(context.serverID): no longer reading \(topic)")
        perform(shared.withLock { $0.table.released(topic) })
    }

    private func laneEnded(_ partition: TopicPartition, _ generation: UInt64, resumeAt: Int64?) {
        if var waiting = confined.releasing[partition.topic], waiting.removeValue(forKey: partition) != nil {
            confined.releasing[partition.topic] = waiting
            if waiting.isEmpty { finishRelease(partition.topic) }
            return
        }
        guard let lane = confined.lanes[partition], lane.generation == generation else { return }
        confined.lanes[partition] = nil
        guard let resumeAt else {
            // The bus is gone: nothing of this partition is handled any more.
            confined.generations[partition] = nil
            return
        }
        confined.generation += 1
        confined.generations[partition] = confined.generation
        consumer.seek(partition, to: resumeAt)
        if confined.paused.remove(partition) != nil { consumer.setPaused(false, [partition]) }
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
            partition: partition, generation: generation, backlog: context.backlog, consumer: lent)
        lane.run(
            handle: context.dispatch,
            resume: { [self] lane in
                shared.withLock { $0.resumes.append((lane.partition, lane.generation)) }
                wake()
            },
            ended: { [self] lane, resumeAt in
                shared.withLock { $0.laneEnds.append((lane.partition, lane.generation, resumeAt)) }
                wake()
            })
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
