// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import RDKafkaAdmin

/// What a read starting at an offset found first.
package enum FirstRecord: Sendable, Equatable {
    /// The first message at or after the offset: its own offset (higher when
    /// the one asked for is no longer stored) and timestamp.
    case message(offset: Int64, timestampMillis: Int64?)
    /// Nothing stored at or after the offset; `next` is where the partition ends.
    case end(next: Int64)
}

extension RDKafkaPartitionReader {
    /// Reads from each of `starts` until `body` has named every partition done
    /// (it gets each item and returns the partition the item finishes, if any),
    /// or the settings' timeout passes. Returns whether every partition was done.
    /// A partition whose topic was deleted meanwhile ends the read early.
    func readEach(
        _ starts: [TopicPartition: Int64], _ body: (Item) -> TopicPartition?
    ) throws(KafkaFailure) -> Bool {
        guard !starts.isEmpty else { return true }
        try start(starts)
        defer { stop() }
        var waiting = Set(starts.keys)
        let deadline = ContinuousClock.now + client.settings.timeout
        while !waiting.isEmpty {
            guard ContinuousClock.now < deadline else { return false }
            do throws(KafkaFailure) {
                // A read waits until its batch is full or its time is up: short
                // waits, so the loop ends as soon as every partition has answered.
                var finished: [TopicPartition] = []
                try read(timeoutMilliseconds: 5) { item in
                    if let done = body(item), waiting.remove(done) != nil { finished.append(done) }
                }
                // Out of the next fetch requests: what is done is not asked again.
                pause(finished)
            } catch  where error.kind == .notFound {
                return true
            }
        }
        return true
    }

    /// The first record at or after each wanted offset: one batched fetch per
    /// broker for all partitions at once, in as many rounds as a partition has
    /// offsets asked for (a partition is read from one offset at a time).
    /// Offsets not answered within the timeout are left out.
    func firstRecords(_ wanted: [TopicPartition: Set<Int64>]) throws(KafkaFailure)
        -> [TopicPartition: [Int64: FirstRecord]]
    {
        let sorted = wanted.mapValues { $0.sorted() }
        var found: [TopicPartition: [Int64: FirstRecord]] = [:]
        for round in 0..<(sorted.values.map(\.count).max() ?? 0) {
            let starts = sorted.compactMapValues { $0.count > round ? $0[round] : nil }
            _ = try readEach(starts) { item in
                switch item {
                case .message(let message):
                    let partition = TopicPartition(topic: message.topic, partition: message.partition)
                    // Left over from an earlier round, or already answered.
                    guard let start = starts[partition], message.offset >= start, found[partition]?[start] == nil
                    else { return nil }
                    found[partition, default: [:]][start] = .message(
                        offset: message.offset, timestampMillis: message.timestampMillis)
                    return partition
                case .endOfPartition(let partition, let next):
                    guard let start = starts[partition], next <= start, found[partition]?[start] == nil else {
                        return nil
                    }
                    found[partition, default: [:]][start] = .end(next: next)
                    return partition
                }
            }
        }
        return found
    }
}
