// SPDX-License-Identifier: Apache-2.0
import Dispatch
import Synchronization

/// One partition's events under one assignment to this bus, handled one at a
/// time in offset order by a task of its own. Each event's offset is stored only
/// after its handlers ran, and only while the assignment lasts: once the
/// partition is revoked nothing more is stored, and what was queued but not
/// started is dropped, for the partition's next owner (this bus again, perhaps)
/// reads it from the committed offset. Too many events waiting pauses the
/// partition until the backlog halves.
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
    private let consumer: RDKafkaGroupConsumer
    private let continuation: AsyncStream<Item>.Continuation
    private let stream: AsyncStream<Item>
    private let state: Mutex<State>
    private let stopped = DispatchSemaphore(value: 0)

    private struct State {
        let limit: Int
        var waiting = 0
        var paused = false
        /// No further item is started (revoked, or the bus stops).
        var closing = false
        /// The assignment is over: no offset is stored any more.
        var revoked = false
    }

    /// A lane; nothing runs before `run`.
    init(partition: TopicPartition, generation: UInt64, backlog: Int, consumer: RDKafkaGroupConsumer) {
        self.partition = partition
        self.generation = generation
        self.consumer = consumer
        (stream, continuation) = AsyncStream.makeStream(of: Item.self)
        state = Mutex(State(limit: max(1, backlog)))
    }

    /// Starts the lane's task: `handle` runs for each event; `resume` is asked for
    /// once the backlog has halved after a pause.
    func run(
        handle: @escaping @Sendable (BusEvent) async -> Void,
        resume: @escaping @Sendable (PartitionLane) -> Void
    ) {
        Task { [self] in
            for await item in stream {
                guard !state.withLock({ $0.closing }) else { break }
                let offset: Int64
                switch item {
                case .event(let event, let at):
                    await handle(event)
                    offset = at
                case .skip(let at):
                    offset = at
                }
                let resumeNow = state.withLock { state -> Bool in
                    if !state.revoked { consumer.store(partition, next: offset + 1) }
                    state.waiting -= 1
                    guard state.paused, state.waiting <= state.limit / 2 else { return false }
                    state.paused = false
                    return true
                }
                if resumeNow { resume(self) }
            }
            stopped.signal()
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

    /// Starts nothing more: the event in hand finishes, the rest are dropped.
    func close() {
        state.withLock { $0.closing = true }
        continuation.finish()
    }

    /// Waits (blocking the caller's thread) until the lane's task has ended, or
    /// `deadline`; then stores nothing more, so that a handler still running past
    /// it cannot move the offset of a partition this bus no longer owns.
    func awaitStop(until deadline: DispatchTime) {
        _ = stopped.wait(timeout: deadline)
        state.withLock { $0.revoked = true }
    }
}
