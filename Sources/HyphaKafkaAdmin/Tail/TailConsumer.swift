// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import RDKafka
import RDKafkaAdmin
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
    /// Stop at the end offsets as they were when tailing started.
    public var stopAtEnd: Bool
    /// Stop after this many messages.
    public var limit: Int?
    /// Stop each partition at its first message stamped after this time
    /// (milliseconds since the epoch), and once every partition has, end; a
    /// partition at its end stops too once the wall clock is past it.
    public var until: Int64?
    /// Only messages whose key has one of these types (`d`, `s`, `b`: the
    /// key's first byte, before its `:`); nil for all.
    public var keyTypes: Set<UInt8>?
    /// Skip topics that do not exist (any more) instead of failing.
    public var skipsMissingTopics = false
    /// While following (not `stopAtEnd`): topics (besides `topics`) to start
    /// reading, from their beginning, once they appear; `topics` that are
    /// missing are waited for too. Looked for every `discoveryInterval`.
    public var discovers: (@Sendable (String) -> Bool)?
    /// How often to look for new topics and partitions.
    public var discoveryInterval: Duration = .seconds(2)

    /// Tail `topics`, from the end and following unless told otherwise.
    public init(
        topics: [String], partition: Int32? = nil, start: TailStart = .end, stopAtEnd: Bool = false, limit: Int? = nil
    ) {
        self.topics = topics
        self.partition = partition
        self.start = start
        self.stopAtEnd = stopAtEnd
        self.limit = limit
    }
}

/// Why tailing ended.
public enum TailOutcome: Sendable, Equatable {
    /// Every partition reached the end it had when tailing started, or `until`.
    case reachedEnd
    /// The message limit was reached.
    case limitReached
    /// `TailStopSignal.stop()` was called (SIGINT, SIGTERM).
    case stopped
}

/// A flag another thread raises to end a tail cleanly.
public final class TailStopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    /// A flag not raised yet.
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

    /// A consumer for `settings`; it connects when `run` starts.
    public init(settings: KafkaClientSettings) throws(KafkaFailure) {
        self.settings = settings
        reader = try RDKafkaPartitionReader(settings: settings)
    }

    /// Tails until the request's end, its limit, or `stop`. `onMessage` gets each
    /// message (its bytes valid only during the call); `onBatch` runs after each
    /// batch, to flush output. Both run on the reading thread. Throws `.unreachable`
    /// once every broker has been down for longer than the settings' timeout.
    package func run(
        _ request: TailRequest, stop: TailStopSignal,
        onMessage: @escaping @Sendable (RawMessage) -> Void,
        onBatch: @escaping @Sendable () -> Void = {}
    ) async throws(KafkaFailure) -> TailOutcome {
        let reader = reader
        let downLimit = settings.timeout
        let askBound = min(1000, settings.timeoutMilliseconds)
        return try await Blocking.run { () throws(KafkaFailure) in
            var plan = try TailPlan(request, client: reader.client)
            if plan.isFinished { return .reachedEnd }
            try reader.start(plan.startOffsets)
            defer { reader.stop() }
            var downSince: ContinuousClock.Instant?
            var lastAsked = ContinuousClock.now
            var lastDiscovered = ContinuousClock.now
            while true {
                if stop.isRaised { return .stopped }
                plan.passTime(nowMillis: KafkaAdmin.wallClockMillis())
                if plan.isFinished { return .reachedEnd }
                if let discovers = request.discovers, !request.stopAtEnd,
                    ContinuousClock.now - lastDiscovered >= request.discoveryInterval
                {
                    lastDiscovered = .now
                    try reader.start(plan.discover(request, discovers, client: reader.client))
                }
                let read = try reader.read(timeoutMilliseconds: 100) { item in
                    switch item {
                    case .message(let message):
                        let accepted = plan.accept(
                            message.topicPartition, offset: message.offset, timestampMillis: message.timestampMillis,
                            wanted: request.keyTypes.map { message.hasKeyType(in: $0) } ?? true
                        ) { reader.highWatermark(message.topicPartition) }
                        if accepted { onMessage(message) }
                    case .endOfPartition(let partition, let next):
                        plan.reached(partition, next: next)
                    }
                }
                onBatch()
                if plan.limitReached { return .limitReached }
                if plan.isFinished { return .reachedEnd }
                reader.pause(plan.takeFinished())
                // Every broker reported down, and nothing read for longer than
                // --timeout: give up. Messages still coming reset the clock (they may
                // have been fetched before the outage) but not the mark: only an
                // answer to a request sent since clears it.
                guard read == 0 && reader.client.observedEvents.allBrokersDown else {
                    downSince = nil
                    continue
                }
                let now = ContinuousClock.now
                downSince = downSince ?? now
                // Ask the brokers about once a second: once they are back, on an idle
                // topic nothing else would say so.
                if now - lastAsked >= .seconds(1) {
                    lastAsked = now
                    if reader.client.brokerAnswers(timeoutMilliseconds: askBound) { continue }
                }
                if ContinuousClock.now - downSince! > downLimit { throw reader.client.unreachable(while: "tail") }
            }
        }
    }
}

extension RawMessage {
    var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// Whether the key is `<type>:…` with one of `types`.
    func hasKeyType(in types: Set<UInt8>) -> Bool {
        guard let key, key.count >= 2, key[1] == UInt8(ascii: ":") else { return false }
        return types.contains(key[0])
    }
}

/// Which partitions to read from where, and when tailing is done.
///
/// With `-e` the end of each partition is the high watermark of the first fetch
/// answer for it, taken when its first message (or its end) arrives: the end as
/// it was when tailing started, give or take one fetch, without a ListOffsets
/// round trip (and right even on brokers whose ListOffsets miscounts batches).
struct TailPlan {
    private(set) var startOffsets: [TopicPartition: Int64] = [:]
    /// With `-e`: partitions still to finish, with their end once known.
    private var unfinished: [TopicPartition: Int64?] = [:]
    /// The partition of the last message with its end: messages come in runs of
    /// one partition, and this saves hashing its topic name for each.
    private var current: (partition: TopicPartition, end: Int64)?
    private let stopAtEnd: Bool
    private let limit: Int?
    private let notBefore: Int64?
    private let notAfter: Int64?
    /// Partitions at their end for now (with `until`: done once the clock passes it).
    private var atEnd: Set<TopicPartition> = []
    /// Partitions finished since `takeFinished()` last asked.
    private var newlyFinished: [TopicPartition] = []
    private var accepted = 0

    /// Whether partitions are tracked to an end: `-e`, or `--until`.
    private var tracksEnds: Bool { stopAtEnd || notAfter != nil }

    init(_ request: TailRequest, client: RDKafkaClient) throws(KafkaFailure) {
        stopAtEnd = request.stopAtEnd
        limit = request.limit
        notAfter = request.until
        let metadata = try client.metadata()
        let topics = Dictionary(metadata.topics.map { ($0.name, $0) }) { first, _ in first }
        var partitions: [TopicPartition] = []
        let waits = request.discovers != nil && !request.stopAtEnd
        for name in request.topics {
            guard let topic = topics[name], !topic.partitions.isEmpty else {
                if request.skipsMissingTopics || waits { continue }
                throw KafkaFailure(
                    .notFound, "topic \(name) does not exist", code: .unknownTopicOrPartition, subject: .topic(name),
                    isRetriable: false)
            }
            for partition in topic.partitions where request.partition == nil || request.partition == partition.id {
                partitions.append(TopicPartition(topic: name, partition: partition.id))
            }
        }
        if let wanted = request.partition, partitions.isEmpty {
            throw KafkaFailure(.notFound, "no partition \(wanted) in \(request.topics.joined(separator: ", "))")
        }
        var atTime: [TopicPartition: Int64] = [:]
        if case .time(let millis) = request.start {
            atTime = try client.offsets(partitions, at: .timestamp(millis))
            notBefore = millis
        } else {
            notBefore = nil
        }
        // With -e from the beginning, an empty partition has nothing to read: it is
        // neither started nor waited for. (Its end is known without a fetch only
        // when there is none: ListOffsets can miscount a batched partition's end,
        // but not a partition holding nothing.)
        if stopAtEnd, request.start == .beginning {
            let (lows, highs) = try client.watermarks(partitions)
            partitions.removeAll { partition in
                guard let low = lows[partition], let high = highs[partition] else { return false }
                return high <= low
            }
        }
        for partition in partitions {
            startOffsets[partition] =
                switch request.start {
                case .beginning: StartOffset.beginning
                case .end: StartOffset.end
                case .offset(let offset) where offset >= 0: offset
                case .offset(let back): StartOffset.tail(-back)
                case .time: atTime[partition].flatMap { $0 >= 0 ? $0 : nil } ?? StartOffset.end
                }
            if tracksEnds { unfinished[partition] = .some(nil) }
        }
    }

    /// Partitions of wanted topics that appeared since the last look, each to be
    /// read from its beginning (everything in it came after tailing started).
    mutating func discover(
        _ request: TailRequest, _ discovers: (String) -> Bool, client: RDKafkaClient
    ) throws(KafkaFailure) -> [TopicPartition: Int64] {
        let wanted = Set(request.topics)
        var found: [TopicPartition: Int64] = [:]
        for topic in try client.metadata().topics where wanted.contains(topic.name) || discovers(topic.name) {
            for partition in topic.partitions where request.partition == nil || request.partition == partition.id {
                let key = TopicPartition(topic: topic.name, partition: partition.id)
                guard startOffsets[key] == nil else { continue }
                startOffsets[key] = StartOffset.beginning
                found[key] = StartOffset.beginning
                if tracksEnds { unfinished[key] = .some(nil) }
            }
        }
        return found
    }

    /// With `-e`, every partition has reached its end; with `until`, every
    /// partition has passed it.
    var isFinished: Bool { tracksEnds && unfinished.isEmpty }

    /// The `-n` limit has been met.
    var limitReached: Bool { limit.map { accepted >= $0 } ?? false }

    /// Whether to pass on a message; notes the partitions it finishes.
    /// `highWatermark` is asked for once per partition, at its first message;
    /// a message not `wanted` (filtered out) only counts towards the ends.
    mutating func accept(
        _ partition: TopicPartition, offset: Int64, timestampMillis: Int64?, wanted: Bool = true,
        highWatermark: () -> Int64?
    ) -> Bool {
        guard !limitReached else { return false }
        if let notAfter {
            guard current?.partition == partition || unfinished[partition] != nil else { return false }
            atEnd.remove(partition)
            if let timestampMillis, timestampMillis > notAfter {
                finish(partition)
                return false
            }
        }
        if stopAtEnd {
            let end: Int64
            if let current, current.partition == partition {
                end = current.end
            } else {
                guard let known = unfinished[partition] else { return false }
                end = known ?? highWatermark() ?? (offset + 1)
                unfinished[partition] = end
                current = (partition, end)
            }
            guard offset < end else {
                finish(partition)
                return false
            }
            if offset + 1 >= end { finish(partition) }
        }
        if let notBefore, let timestampMillis, timestampMillis < notBefore { return false }
        guard wanted else { return false }
        accepted += 1
        return true
    }

    /// With `until`: partitions at their end finish once the wall clock is past it.
    mutating func passTime(nowMillis: Int64) {
        guard let notAfter, nowMillis > notAfter, !atEnd.isEmpty else { return }
        for partition in atEnd { finish(partition) }
        atEnd.removeAll()
    }

    private mutating func finish(_ partition: TopicPartition) {
        guard unfinished.removeValue(forKey: partition) != nil else { return }
        newlyFinished.append(partition)
        if current?.partition == partition { current = nil }
    }

    /// The partitions finished since the last call: fetching them is no longer needed.
    mutating func takeFinished() -> [TopicPartition] {
        defer { newlyFinished.removeAll() }
        return newlyFinished
    }

    /// The partition has nothing more to read for now, `next` being its next offset.
    mutating func reached(_ partition: TopicPartition, next: Int64) {
        if notAfter != nil, unfinished[partition] != nil { atEnd.insert(partition) }
        guard stopAtEnd, let known = unfinished[partition] else { return }
        if let end = known, next < end { return }
        finish(partition)
    }
}
