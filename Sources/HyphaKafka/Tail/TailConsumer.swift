import Synchronization

/// Where tailing starts in each partition.
public enum TailStart: Sendable, Equatable {
    /// The oldest message still stored.
    case beginning
    /// Only messages produced from now on.
    case end
    /// This offset; a negative value counts back from the end (`-10`: the last ten).
    case offset(Int64)
    /// The first message at or after this time (milliseconds since the epoch).
    case time(Int64)
}

/// What to tail.
public struct TailRequest: Sendable {
    /// Topic names to read (already resolved from event names).
    public var topics: [String]
    /// Only this partition, if set.
    public var partition: Int32?
    /// Where to start.
    public var start: TailStart
    /// Stop at the end offsets as they were when tailing started (`-e`).
    public var stopAtEnd: Bool
    /// Stop after this many messages (`-n`).
    public var limit: Int?

    /// A request.
    public init(topics: [String], partition: Int32? = nil, start: TailStart = .end, stopAtEnd: Bool = false, limit: Int? = nil) {
        self.topics = topics
        self.partition = partition
        self.start = start
        self.stopAtEnd = stopAtEnd
        self.limit = limit
    }
}

/// Why tailing ended.
public enum TailOutcome: Sendable, Equatable {
    /// Every partition reached the end it had when tailing started.
    case reachedEnd
    /// The message limit was reached.
    case limitReached
    /// `TailStopSignal.stop()` was called (SIGINT, SIGTERM).
    case stopped
}

/// A flag another thread raises to end a tail cleanly.
public final class TailStopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    /// A lowered flag.
    public init() {}

    /// Asks the tail to end after the batch in hand.
    public func stop() { raised.store(true, ordering: .relaxed) }

    /// Whether `stop()` was called.
    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}

/// Reads events without joining any consumer group, so no Hypha server's
/// offsets are disturbed. Messages are read in batches on a thread of their own.
public final class TailConsumer: Sendable {
    private let reader: RDKafkaPartitionReader
    private let settings: KafkaClientSettings

    /// A consumer for `settings`.
    public init(settings: KafkaClientSettings) throws(KafkaFailure) {
        self.settings = settings
        reader = try RDKafkaPartitionReader(settings: settings)
    }

    /// Tails until the request's end, its limit, or `stop`. `onMessage` gets each
    /// message (its bytes valid only during the call); `onBatch` runs after each
    /// batch, to flush output. Both run on the reading thread.
    public func run(
        _ request: TailRequest, stop: TailStopSignal,
        onMessage: @escaping @Sendable (RawMessage) -> Void,
        onBatch: @escaping @Sendable () -> Void = {}
    ) async throws(KafkaFailure) -> TailOutcome {
        let reader = reader
        let downLimit = settings.timeout
        return try await Blocking.run { () throws(KafkaFailure) in
            var plan = try TailPlan(request, client: reader.client)
            if plan.isFinished { return .reachedEnd }
            try reader.start(plan.startOffsets)
            defer { reader.stop() }
            var downSince: ContinuousClock.Instant?
            while true {
                if stop.isRaised { return .stopped }
                let read = try reader.read(timeoutMilliseconds: 100) { item in
                    switch item {
                    case .message(let message):
                        if plan.accept(message.topicPartition, offset: message.offset) { onMessage(message) }
                    case .endOfPartition(let partition, let next):
                        plan.reached(partition, next: next)
                    }
                }
                onBatch()
                if plan.limitReached { return .limitReached }
                if plan.isFinished { return .reachedEnd }
                // No answer from any broker for longer than --timeout: give up.
                if read == 0 && reader.client.observedEvents.allBrokersDown {
                    let now = ContinuousClock.now
                    downSince = downSince ?? now
                    if now - downSince! > downLimit { throw reader.client.unreachable(while: "tail") }
                } else if read > 0 {
                    downSince = nil
                }
            }
        }
    }
}

extension RawMessage {
    var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }
}

/// Which partitions to read from where, and when tailing is done.
struct TailPlan {
    private(set) var startOffsets: [TopicPartition: Int64] = [:]
    /// With `-e`: the offset each unfinished partition must reach.
    private var endOffsets: [TopicPartition: Int64] = [:]
    private let stopAtEnd: Bool
    private let limit: Int?
    private var accepted = 0

    init(_ request: TailRequest, client: RDKafkaClient) throws(KafkaFailure) {
        stopAtEnd = request.stopAtEnd
        limit = request.limit
        let metadata = try client.metadata()
        var partitions: [TopicPartition] = []
        for name in request.topics {
            guard let topic = metadata.topics.first(where: { $0.name == name }), !topic.partitions.isEmpty else {
                throw KafkaFailure(.notFound, "topic \(name) does not exist", hint: "see `hyphactl topics list`")
            }
            for partition in topic.partitions where request.partition == nil || request.partition == partition.id {
                partitions.append(TopicPartition(topic: name, partition: partition.id))
            }
        }
        if let wanted = request.partition, partitions.isEmpty {
            throw KafkaFailure(.notFound, "no partition \(wanted) in \(request.topics.joined(separator: ", "))")
        }
        let needsWatermarks = request.stopAtEnd || { if case .offset = request.start { true } else { false } }()
        let low = needsWatermarks ? try client.offsets(partitions, at: .earliest) : [:]
        let high = needsWatermarks ? try client.offsets(partitions, at: .latest) : [:]
        let atTime: [TopicPartition: Int64] =
            if case .time(let millis) = request.start { try client.offsets(partitions, at: .timestamp(millis)) } else { [:] }

        for partition in partitions {
            let first = low[partition] ?? 0
            let last = high[partition] ?? 0
            let start: Int64 = switch request.start {
            case .beginning: needsWatermarks ? first : StartOffset.beginning
            case .end: needsWatermarks ? last : StartOffset.end
            case .offset(let offset) where offset >= 0: offset
            case .offset(let back): max(first, last + back)
            case .time: atTime[partition].flatMap { $0 >= 0 ? $0 : nil } ?? (needsWatermarks ? last : StartOffset.end)
            }
            if request.stopAtEnd {
                guard start < last else { continue }
                endOffsets[partition] = last
            }
            startOffsets[partition] = start
        }
    }

    /// With `-e`, every partition has reached its end.
    var isFinished: Bool { stopAtEnd && endOffsets.isEmpty }

    /// The `-n` limit has been met.
    var limitReached: Bool { limit.map { accepted >= $0 } ?? false }

    /// Whether to pass on a message; notes the partitions it finishes.
    mutating func accept(_ partition: TopicPartition, offset: Int64) -> Bool {
        guard !limitReached else { return false }
        if stopAtEnd {
            guard let end = endOffsets[partition], offset < end else { return false }
            if offset + 1 >= end { endOffsets[partition] = nil }
        }
        accepted += 1
        return true
    }

    /// The partition has nothing more to read for now.
    mutating func reached(_ partition: TopicPartition, next: Int64) {
        if stopAtEnd, let end = endOffsets[partition], next >= end {
            endOffsets[partition] = nil
        }
    }
}
