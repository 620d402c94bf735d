// SPDX-License-Identifier: Apache-2.0
import Dispatch
import RDKafka
import Synchronization

/// One partition's events under one assignment to this bus, handled one at a
/// time in offset order by a task of its own. Each event's offset is stored only
/// after all its handlers had it, and only while the lane is open: once closed
/// nothing more is started or stored, and what was queued but not started is
/// dropped, for whoever reads the partition next (this bus again, perhaps)
/// starts from the committed offset. An event the bus abandoned (see
/// `ConsumerLoop.Verdict`) ends the lane there, naming the offset to read again
/// from. Too many events waiting pauses the partition until the backlog halves.
final class PartitionLane: Sendable {
    /// What the consumer's thread hands a lane.
    enum Item: Sendable {
        /// An event for the handlers.
        case event(BusEvent, offset: Int64)
        /// A message no handler can take (undecodable): only its offset is stored, in turn.
        case skip(offset: Int64)
    }

    let partition: TopicPartition
    /// The assignment this lane serves.
    let generation: UInt64
    private let consumer: LentHandle<RDKafkaAssignedConsumer>
    private let continuation: AsyncStream<Item>.Continuation
    private let stream: AsyncStream<Item>
    private let state: Mutex<State>
    private let stopped = DispatchSemaphore(value: 0)

    private struct State {
        let limit: Int
        var waiting = 0
        var paused = false
        /// No further item or handler is started (released, or the bus stops).
        var closing = false
        /// No offset is stored any more (the bus stops and gave up waiting).
        var revoked = false
    }

    /// A lane; nothing runs before `run`.
    init(partition: TopicPartition, generation: UInt64, backlog: Int, consumer: LentHandle<RDKafkaAssignedConsumer>) {
        self.partition = partition
        self.generation = generation
        self.consumer = consumer
        (stream, continuation) = AsyncStream.makeStream(of: Item.self)
        state = Mutex(State(limit: max(1, backlog)))
    }

    /// Starts the lane's task: `handle` runs for each event, told whether the
    /// lane may still start a handler; `resume` is asked for once the backlog
    /// has halved after a pause; `ended` is told when the task ends, with the
    /// offset to read again from when an event was abandoned.
    func run(
        handle: @escaping @Sendable (BusEvent, _ owned: @escaping @Sendable () -> Bool) async -> ConsumerLoop.Verdict,
        resume: @escaping @Sendable (PartitionLane) -> Void,
        ended: @escaping @Sendable (PartitionLane, _ resumeAt: Int64?) -> Void
    ) {
        Task { [self] in
            var resumeAt: Int64?
            loop: for await item in stream {
                guard !state.withLock({ $0.closing }) else { break }
                let offset: Int64
                switch item {
                case .event(let event, let at):
                    switch await handle(event, { [self] in !state.withLock { $0.closing } }) {
                    case .handled: offset = at
                    case .abandoned:
                        resumeAt = at
                        break loop
                    case .busGone: break loop
                    }
                case .skip(let at):
                    offset = at
                }
                let resumeNow = state.withLock { state -> Bool in
                    if !state.revoked { _ = consumer.borrow { $0.store(partition, next: offset + 1) } }
                    state.waiting -= 1
                    guard state.paused, state.waiting <= state.limit / 2 else { return false }
                    state.paused = false
                    return true
                }
                if resumeNow { resume(self) }
            }
            state.withLock { $0.closing = true }
            continuation.finish()
            stopped.signal()
            ended(self, resumeAt)
        }
    }

    /// Queues an item (on the consumer's thread); true when the partition must be paused now.
    func enqueue(_ item: Item) -> Bool {
        let pause = state.withLock { state -> Bool in
            state.waiting += 1
            guard !state.paused, state.waiting > state.limit else { return false }
            state.paused = true
            return true
        }
        continuation.yield(item)
        return pause
    }

    /// Starts nothing more: the handler in hand finishes, the rest are dropped.
    func close() {
        state.withLock { $0.closing = true }
        continuation.finish()
    }

    /// Waits (blocking the caller's thread) until the lane's task has ended, or
    /// `deadline`; then stores nothing more, so that a handler still running past
    /// it cannot move the offset once the bus has committed and let go.
    func awaitStop(until deadline: DispatchTime) {
        _ = stopped.wait(timeout: deadline)
        state.withLock { $0.revoked = true }
    }
}
