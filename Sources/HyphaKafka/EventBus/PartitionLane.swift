import Synchronization

/// One partition's events, handled one at a time in offset order by a task of
/// its own; each event's offset is stored only after its handlers ran.
/// Too many events waiting pauses the partition until the backlog halves.
final class PartitionLane: Sendable {
    private let partition: TopicPartition
    private let consumer: RDKafkaGroupConsumer
    private let continuation: AsyncStream<BusEvent>.Continuation
    private let worker: Task<Void, Never>
    private let waiting: Backlog

    init(
        partition: TopicPartition, backlog: Int, consumer: RDKafkaGroupConsumer,
        handle: @escaping @Sendable (BusEvent) async -> Void
    ) {
        self.partition = partition
        self.consumer = consumer
        let (stream, continuation) = AsyncStream.makeStream(of: BusEvent.self)
        self.continuation = continuation
        let waiting = Backlog(limit: max(1, backlog))
        self.waiting = waiting
        worker = Task {
            for await event in stream {
                await handle(event)
                if case .kafka(_, let offset, _) = event.origin {
                    consumer.store(partition, next: offset + 1)
                }
                if waiting.leave() { consumer.setPaused(false, [partition]) }
            }
        }
    }

    /// Queues an event (called from the consumer's thread).
    func enqueue(_ event: BusEvent) {
        if waiting.enter() { consumer.setPaused(true, [partition]) }
        continuation.yield(event)
    }

    /// No more events will come.
    func finish() { continuation.finish() }

    /// Returns when every queued event has been handled.
    func drained() async { await worker.value }
}

/// How many events wait in a lane, and whether that has paused the partition.
private final class Backlog: Sendable {
    private let limit: Int
    private let state = Mutex<(count: Int, paused: Bool)>((0, false))

    init(limit: Int) { self.limit = limit }

    /// One more event; true when the partition must pause now.
    func enter() -> Bool {
        state.withLock { state in
            state.count += 1
            guard !state.paused, state.count > limit else { return false }
            state.paused = true
            return true
        }
    }

    /// One event handled; true when the partition may resume now.
    func leave() -> Bool {
        state.withLock { state in
            state.count -= 1
            guard state.paused, state.count <= limit / 2 else { return false }
            state.paused = false
            return true
        }
    }
}
