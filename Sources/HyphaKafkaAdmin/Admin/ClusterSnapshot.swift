// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import RDKafkaAdmin

/// The whole cluster at one moment, as a metrics exporter shows it: every topic
/// with its partitions' watermarks, and every consumer group with its members
/// and offsets (not only Hypha's: dashboards built for kafka_exporter expect all).
package struct ClusterSnapshot: Sendable, Equatable {
    /// One partition's watermarks.
    package struct Partition: Sendable, Equatable {
        /// The partition's id.
        package let id: Int32
        /// The low watermark: the oldest offset still stored.
        package let oldest: Int64
        /// The high watermark: the offset the next message gets.
        package let newest: Int64

        /// A partition's watermarks.
        package init(id: Int32, oldest: Int64, newest: Int64) {
            self.id = id
            self.oldest = oldest
            self.newest = newest
        }
    }

    /// A topic and its partitions.
    package struct Topic: Sendable, Equatable {
        /// The topic's name.
        package let name: String
        /// How many partitions Metadata lists (also those whose watermarks were not answered).
        package let partitionCount: Int
        /// The partitions whose watermarks the brokers answered, by id.
        package let partitions: [Partition]

        /// A topic with its partitions.
        package init(name: String, partitionCount: Int, partitions: [Partition]) {
            self.name = name
            self.partitionCount = partitionCount
            self.partitions = partitions
        }
    }

    /// How many brokers Metadata lists.
    package let brokers: Int
    /// Every topic, by name.
    package let topics: [Topic]
    /// Every consumer group, by id, with its members and its offsets.
    package let groups: [GroupLag]
    /// The newest message's timestamp in each `health_check_*` topic (read
    /// only by an admin that reads records); a topic without one is left out.
    package let healthChecks: [String: Int64]

    /// A snapshot of these parts.
    package init(brokers: Int, topics: [Topic], groups: [GroupLag], healthChecks: [String: Int64] = [:]) {
        self.brokers = brokers
        self.topics = topics
        self.groups = groups
        self.healthChecks = healthChecks
    }
}

extension KafkaAdmin {
    /// Brokers, every topic's watermarks and every group's members and lag.
    ///
    /// Two chains at once on this admin's connection: Metadata, then both
    /// watermarks of every partition in batched ListOffsets; and ListGroups, then
    /// DescribeGroups (of the groups that can have members) beside one OffsetFetch
    /// per group. Lag needs no ListOffsets of its own unless a group committed
    /// offsets of a partition Metadata did not list. An admin that reads
    /// (`reading(settings:)`) also reads each health topic's last message after
    /// the watermarks (what `ServerSurvey.reports(from:)` needs), and each
    /// lagging partition's lag time, reading only records it has not read in an
    /// earlier snapshot (`ReadRecords`).
    package func snapshot() async throws(KafkaFailure) -> ClusterSnapshot {
        let client = client
        let reader = reader
        return try await Blocking.run { () throws(KafkaFailure) in
            let (cluster, groups) = try Blocking.pair(
                { () throws(KafkaFailure) in
                    let metadata = try client.metadata()
                    let topics = metadata.topics.filter { $0.errorCode == 0 }.sorted { $0.name < $1.name }
                    let keys = topics.flatMap { topic in
                        topic.partitions.map { TopicPartition(topic: topic.name, partition: $0.id) }
                    }
                    let (low, high) = try client.watermarks(keys)
                    var newestChecks: [String: Int64] = [:]
                    if let reader {
                        let health = topics.filter { $0.name.hasPrefix(HyphaTopic.healthCheckPrefix) }
                        newestChecks = try ServerSurvey.newestTimestamps(health, ends: high, reader: reader)
                    }
                    return (metadata.brokers.count, topics, low, high, newestChecks)
                },
                { () throws(KafkaFailure) in
                    let listings = try client.listGroups()
                    let (descriptions, committed) = try Blocking.pair(
                        { () throws(KafkaFailure) in try KafkaAdmin.describeMembers(listings, client: client) },
                        { () throws(KafkaFailure) in try KafkaAdmin.committedOffsets(listings.map(\.id), client: client)
                        }
                    )
                    return (listings, descriptions, committed)
                })
            let (brokers, topics, oldest, newest, healthChecks) = cluster
            let (listings, descriptions, committed) = groups

            var ends = newest
            let elsewhere = Set(committed.values.flatMap(\.keys)).subtracting(ends.keys)
            if !elsewhere.isEmpty {
                ends.merge(try client.offsets(Array(elsewhere), at: .latest)) { first, _ in first }
            }
            let summaries = KafkaAdmin.summaries(listings, descriptions: descriptions)
            let described = Dictionary(descriptions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let lags = try self.withLagTimes(
                summaries.map { summary in
                    let description = described[summary.group]
                    return GroupLag(
                        group: summary.group, state: summary.state, coordinator: description?.coordinator,
                        members: description?.members ?? [], committed: committed[summary.group] ?? [:], ends: ends)
                }, oldest: oldest)
            return ClusterSnapshot(
                brokers: brokers,
                topics: topics.map { topic in
                    ClusterSnapshot.Topic(
                        name: topic.name, partitionCount: topic.partitions.count,
                        partitions: topic.partitions.sorted { $0.id < $1.id }.compactMap { partition in
                            let key = TopicPartition(topic: topic.name, partition: partition.id)
                            guard let low = oldest[key], let high = newest[key] else { return nil }
                            return ClusterSnapshot.Partition(id: partition.id, oldest: low, newest: high)
                        })
                },
                groups: lags, healthChecks: healthChecks)
        }
    }
}
