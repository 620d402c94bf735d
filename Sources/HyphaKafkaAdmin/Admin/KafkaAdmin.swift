// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import RDKafkaAdmin
import Synchronization

/// A topic in brief: its event, size and message count.
public struct TopicSummary: Sendable, Equatable {
    /// The Hypha event the topic carries; nil for other topics.
    public let event: String?
    /// The topic's name.
    public let topic: String
    /// How many partitions it has.
    public let partitions: Int
    /// Its replication factor (the largest replica count of its partitions).
    public let replicas: Int
    /// Σ (high − low watermark) over its partitions.
    public let messages: Int64
}

/// One partition of a topic: its leader, replicas and watermarks.
public struct PartitionDetail: Sendable, Equatable {
    /// The partition's id.
    public let partition: Int32
    /// The leader broker's id (-1 when there is none).
    public let leader: Int32
    /// Broker ids holding a replica.
    public let replicas: [Int32]
    /// Broker ids in sync.
    public let isr: [Int32]
    /// The low watermark (first offset still stored).
    public let low: Int64
    /// The high watermark (offset the next message gets).
    public let high: Int64
    /// `high − low`.
    public var messages: Int64 { max(0, high - low) }
}

/// A topic in full: its event, partitions and configuration.
public struct TopicDescription: Sendable, Equatable {
    /// The Hypha event the topic carries; nil for other topics.
    public let event: String?
    /// The topic's name.
    public let topic: String
    /// Its partitions, by id.
    public let partitions: [PartitionDetail]
    /// Its configuration, where the broker returns it (some return none).
    public let configs: [TopicConfigEntry]
}

/// Questions about topics, asked of the cluster: list, describe, create, delete.
public final class KafkaAdmin: Sendable {
    let client: RDKafkaClient
    /// The reader whose connection `client` is, when the admin can read records (lag times).
    let reader: RDKafkaPartitionReader?
    /// Records read at committed offsets by earlier readings on this admin.
    let readRecords = Mutex(ReadRecords())

    /// A client for `settings`; it connects on the first question.
    public init(settings: KafkaClientSettings) throws(KafkaFailure) {
        // It makes topics only by asking (CreateTopics), never by naming one.
        client = try RDKafkaClient.make(
            .producer, settings: settings, overrides: [("allow.auto.create.topics", "false")], brokersProbe: true)
        reader = nil
    }

    /// Questions asked through a reader's connection: they can read records too.
    package init(reader: RDKafkaPartitionReader) {
        client = reader.client
        self.reader = reader
    }

    /// An admin that can also read records, so that `describeGroups` and
    /// `snapshot` give lag times: one connection for both.
    package static func reading(settings: KafkaClientSettings) throws(KafkaFailure) -> KafkaAdmin {
        // A broker answers one connection's requests in order: a fetch held for
        // data would hold up the admin requests queued behind it.
        KafkaAdmin(
            reader: try RDKafkaPartitionReader(
                settings: settings, batchSize: 256, fetchWaitMilliseconds: 10, brokersProbe: true))
    }

    /// Every topic name the cluster has.
    public func topicNames() async throws(KafkaFailure) -> [String] {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in
            try client.metadata().topics.map(\.name).sorted()
        }
    }

    /// The cluster's brokers and topics with their partitions, from one Metadata request.
    package func metadata() async throws(KafkaFailure) -> ClusterMetadata {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in try client.metadata() }
    }

    /// A topic's configuration, where the broker returns it (some return none).
    package func topicConfigs(_ name: String) async throws(KafkaFailure) -> [TopicConfigEntry] {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in try client.describeTopicConfigs(name) }
    }

    /// Hypha's topics (`hypha_event_*`, `health_check_*`), or every topic with `includeAll`,
    /// each with its message count. Offsets come from two batched queries.
    public func listTopics(includeAll: Bool = false) async throws(KafkaFailure) -> [TopicSummary] {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in
            let topics = try client.metadata().topics
                .filter { includeAll || HyphaTopic.isHypha($0.name) }
                .sorted { $0.name < $1.name }
            let partitions = topics.flatMap { topic in
                topic.partitions.map { TopicPartition(topic: topic.name, partition: $0.id) }
            }
            let (low, high) = try client.watermarksInOrder(partitions)
            // `partitions` lists every topic's partitions in turn: the answers too.
            var next = 0
            return topics.map { topic in
                var messages: Int64 = 0
                for _ in topic.partitions {
                    messages += max(0, (high[next] ?? 0) - (low[next] ?? 0))
                    next += 1
                }
                return TopicSummary(
                    event: HyphaTopic.eventName(fromTopic: topic.name), topic: topic.name,
                    partitions: topic.partitions.count,
                    replicas: topic.partitions.map(\.replicas.count).max() ?? 0,
                    messages: messages)
            }
        }
    }

    /// One topic's partitions with their watermarks, and its configs.
    public func describeTopic(_ name: String) async throws(KafkaFailure) -> TopicDescription {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in
            guard let topic = try client.metadata().topics.first(where: { $0.name == name }),
                topic.errorCode == 0, !topic.partitions.isEmpty
            else {
                throw KafkaFailure(
                    .notFound, "topic \(name) does not exist", code: .unknownTopicOrPartition, subject: .topic(name),
                    isRetriable: false)
            }
            let keys = topic.partitions.map { TopicPartition(topic: name, partition: $0.id) }
            let (low, high) = try client.watermarks(keys)
            let partitions = topic.partitions.map { partition in
                let key = TopicPartition(topic: name, partition: partition.id)
                return PartitionDetail(
                    partition: partition.id, leader: partition.leader,
                    replicas: partition.replicas, isr: partition.isr,
                    low: low[key] ?? 0, high: high[key] ?? 0)
            }
            return TopicDescription(
                event: HyphaTopic.eventName(fromTopic: name), topic: name,
                partitions: partitions, configs: try client.describeTopicConfigs(name))
        }
    }

    /// Creates a topic. `partitions` and `replicationFactor` nil: the broker's defaults.
    public func createTopic(
        _ name: String, partitions: Int?, replicationFactor: Int?, configs: [(String, String)] = []
    ) async throws(KafkaFailure) {
        let spec = NewTopicSpec(
            name: name, partitions: Int32(partitions ?? -1),
            replicationFactor: Int32(replicationFactor ?? -1), configs: configs)
        let client = client
        try await Blocking.run { () throws(KafkaFailure) in try client.createTopics([spec]) }
    }

    /// Deletes topics.
    public func deleteTopics(_ names: [String]) async throws(KafkaFailure) {
        let client = client
        try await Blocking.run { () throws(KafkaFailure) in try client.deleteTopics(names) }
    }
}

/// How a name given for a topic is read: as a topic name, or as an event name
/// whose topic is meant.
public enum TopicReference {
    /// The topic `argument` names: `hypha_event_*` and `health_check_*` names, or
    /// any name already in `existing`, are topics; anything else is an event name.
    public static func resolve(_ argument: String, existing: Set<String> = []) -> String {
        if existing.contains(argument) || HyphaTopic.isHypha(argument) { return argument }
        return HyphaTopic.forEvent(argument)
    }
}
