// SPDX-License-Identifier: Apache-2.0
import CRdKafka
import Foundation
import KafkaConnection
import RDKafka

/// The cluster as one Metadata answer describes it, copied out of C memory.
package struct ClusterMetadata: Sendable {
    package struct Broker: Sendable {
        package let id: Int32
        package let host: String
        package let port: Int32
    }

    package struct Partition: Sendable {
        package let id: Int32
        package let leader: Int32
        package let replicas: [Int32]
        package let isr: [Int32]
    }

    package struct Topic: Sendable {
        package let name: String
        /// Non-zero when the broker reported an error for this topic.
        package let errorCode: Int32
        package let partitions: [Partition]
    }

    package let brokers: [Broker]
    package let topics: [Topic]
}

/// Which end of a partition, or which moment, an offset query asks about.
package enum OffsetQuery {
    case earliest
    case latest
    /// The first offset whose timestamp is at or after this many ms since the epoch.
    case timestamp(Int64)

    /// The timestamp field of a ListOffsets request: -2 earliest, -1 latest.
    package var requestValue: Int64 {
        switch self {
        case .earliest: -2
        case .latest: -1
        case .timestamp(let millis): millis
        }
    }
}

extension RDKafkaClient {
    /// Metadata for every topic, or for the cluster's brokers only.
    package func metadata(allTopics: Bool = true) throws(KafkaFailure) -> ClusterMetadata {
        let deadline = ContinuousClock.now + settings.timeout
        if allTopics { try learnBrokers(until: deadline) }
        var pointer: UnsafePointer<rd_kafka_metadata>?
        let remaining = max(1, (deadline - ContinuousClock.now).wholeMilliseconds)
        let code = withHandle { rd_kafka_metadata($0, allTopics ? 1 : 0, nil, &pointer, remaining) }
        serveLogs()
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let pointer else {
            throw failure(KafkaErrorCode(code), while: "read the cluster's metadata")
        }
        defer { rd_kafka_metadata_destroy(pointer) }
        markBrokersReachable()
        let raw = pointer.pointee
        let brokers = (0..<Int(raw.broker_cnt)).map { index in
            let broker = raw.brokers[index]
            return ClusterMetadata.Broker(id: broker.id, host: String(cString: broker.host), port: broker.port)
        }
        let topics = (0..<Int(raw.topic_cnt)).map { index in
            let topic = raw.topics[index]
            let partitions = (0..<Int(topic.partition_cnt)).map { partIndex in
                let partition = topic.partitions[partIndex]
                return ClusterMetadata.Partition(
                    id: partition.id, leader: partition.leader,
                    replicas: Array(UnsafeBufferPointer(start: partition.replicas, count: Int(partition.replica_cnt))),
                    isr: Array(UnsafeBufferPointer(start: partition.isrs, count: Int(partition.isr_cnt))))
            }
            return ClusterMetadata.Topic(
                name: String(cString: topic.topic), errorCode: topic.err.rawValue,
                partitions: partitions.sorted { $0.id < $1.id })
        }
        return ClusterMetadata(brokers: brokers, topics: topics)
    }

    /// Offsets for many partitions at once. Partitions the broker could not answer
    /// for are left out.
    package func offsets(_ partitions: [TopicPartition], at query: OffsetQuery) throws(KafkaFailure) -> [TopicPartition:
        Int64]
    {
        try offsets(partitions, at: [query])[0]
    }

    /// Offsets for many partitions, one answer per query (e.g. both watermarks),
    /// all asked at once.
    package func offsets(_ partitions: [TopicPartition], at queries: [OffsetQuery]) throws(KafkaFailure)
        -> [[TopicPartition: Int64]]
    {
        try offsetsInOrder(partitions, at: queries).map { Self.keyed(partitions, $0) }
    }

    /// Answers in the order of `partitions`, by partition; nil ones left out.
    private static func keyed(_ partitions: [TopicPartition], _ offsets: [Int64?]) -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        result.reserveCapacity(partitions.count)
        for (partition, offset) in zip(partitions, offsets) {
            if let offset { result[partition] = offset }
        }
        return result
    }

    /// Offsets for many partitions, one answer per query, each in the order of
    /// `partitions` (nil where the broker could not answer): for thousands of
    /// partitions, no hashing of their names.
    ///
    /// librdkafka matches each partition of an answer to its request by a linear
    /// search (rd_kafka_topic_partition_list_find): quadratic, 140 ms of CPU for
    /// two queries of 4,000 partitions. Chunks of a few hundred partitions, every
    /// chunk of every query asked at once on a thread of its own, cost next to
    /// nothing and about one round trip's time.
    package func offsetsInOrder(_ partitions: [TopicPartition], at queries: [OffsetQuery]) throws(KafkaFailure)
        -> [[Int64?]]
    {
        let chunks = Self.offsetChunks(partitions)
        let jobs = queries.indices.flatMap { query in chunks.map { (query, $0) } }
        if jobs.count <= 1 {
            return try queries.map { query throws(KafkaFailure) in try offsetsOnce(partitions[...], at: query) }
        }
        let answers = try Blocking.map(jobs) { job throws(KafkaFailure) in
            try self.offsetsOnce(job.1, at: queries[job.0])
        }
        var merged = [[Int64?]](repeating: [], count: queries.count)
        for (job, answer) in zip(jobs, answers) {
            merged[job.0].append(contentsOf: answer)
        }
        return merged
    }

    /// Both watermarks of many partitions, each in the order of `partitions` (nil
    /// where the broker could not answer).
    ///
    /// Each chunk's high watermarks are asked first, then the low ones of the
    /// partitions that ever held a message: where the high watermark is 0 the
    /// low one is 0 too. A broker's ListOffsets work is per partition asked, and
    /// most of a Hypha bus's partitions are empty, since a topic's events mostly
    /// share a key (at 3,000 topics of 4 partitions, 15,000 partitions asked
    /// rather than 24,000). The chunks are asked at once, as `offsetsInOrder` does.
    package func watermarksInOrder(_ partitions: [TopicPartition]) throws(KafkaFailure)
        -> (low: [Int64?], high: [Int64?])
    {
        let answers = try Blocking.map(Self.offsetChunks(partitions)) { chunk throws(KafkaFailure) in
            let high = try self.offsetsOnce(chunk, at: .latest)
            var low: [Int64?] = high.map { $0 == 0 ? 0 : nil }
            let held = high.indices.filter { high[$0] != nil && high[$0] != 0 }
            if !held.isEmpty {
                let asked = held.map { chunk[chunk.startIndex + $0] }
                for (index, offset) in zip(held, try self.offsetsOnce(asked[...], at: .earliest)) {
                    low[index] = offset
                }
            }
            return (low, high)
        }
        return (answers.flatMap(\.0), answers.flatMap(\.1))
    }

    /// `watermarksInOrder`'s answers by partition; those the broker could not
    /// answer for are left out.
    package func watermarks(_ partitions: [TopicPartition]) throws(KafkaFailure)
        -> (low: [TopicPartition: Int64], high: [TopicPartition: Int64])
    {
        let (low, high) = try watermarksInOrder(partitions)
        return (Self.keyed(partitions, low), Self.keyed(partitions, high))
    }

    /// Chunks of a few hundred partitions, one request each (see `offsetsInOrder`).
    private static func offsetChunks(_ partitions: [TopicPartition]) -> [ArraySlice<TopicPartition>] {
        let chunkSize = 256
        return stride(from: 0, to: partitions.count, by: chunkSize).map {
            partitions[$0..<min($0 + chunkSize, partitions.count)]
        }
    }

    /// One offsets request, as librdkafka sends it: one ListOffsets per leader.
    /// The answer is in the order of `partitions`.
    private func offsetsOnce(_ partitions: ArraySlice<TopicPartition>, at query: OffsetQuery) throws(KafkaFailure)
        -> [Int64?]
    {
        guard !partitions.isEmpty else { return [] }
        let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for entry in partitions {
            rd_kafka_topic_partition_list_add(list, entry.topic, entry.partition).pointee.offset = query.requestValue
        }
        let code = withHandle { rd_kafka_offsets_for_times($0, list, settings.timeoutMilliseconds) }
        serveLogs()
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw failure(KafkaErrorCode(code), while: "query partition offsets")
        }
        // librdkafka answers in the list it was given, element for element;
        // should it ever reorder it, each element is looked up by name.
        let elements = UnsafeBufferPointer(start: list.pointee.elems, count: Int(list.pointee.cnt))
        let inPlace =
            elements.count == partitions.count
            && zip(elements, partitions).allSatisfy { element, entry in
                element.partition == entry.partition && entry.topic.withCString { strcmp($0, element.topic) == 0 }
            }
        if inPlace {
            return elements.map { $0.err == RD_KAFKA_RESP_ERR_NO_ERROR ? $0.offset : nil }
        }
        var byPartition: [TopicPartition: Int64] = [:]
        for element in elements where element.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            byPartition[TopicPartition(topic: String(cString: element.topic), partition: element.partition)] =
                element.offset
        }
        return partitions.map { byPartition[$0] }
    }
}
