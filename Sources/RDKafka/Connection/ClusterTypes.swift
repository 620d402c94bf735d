// SPDX-License-Identifier: Apache-2.0
// Plain descriptions of what a Kafka cluster holds, shared by the bus and admin queries.

/// A topic and partition, the key of every per-partition answer.
public struct TopicPartition: Hashable, Sendable, Comparable {
    /// The topic's name.
    public let topic: String
    /// The partition's id.
    public let partition: Int32

    /// Partition `partition` of `topic`.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// By topic, then partition.
    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// A member of a consumer group, as DescribeGroups describes it.
public struct GroupMember: Sendable, Equatable {
    /// The member id the coordinator gave it.
    public let memberID: String
    /// Its `client.id`.
    public let clientID: String
    /// The host it connected from.
    public let host: String
    /// The partitions assigned to it.
    public let assignments: [TopicPartition]

    /// A member as the coordinator describes it.
    public init(memberID: String, clientID: String, host: String, assignments: [TopicPartition]) {
        self.memberID = memberID
        self.clientID = clientID
        self.host = host
        self.assignments = assignments
    }
}

/// One configuration entry of a topic as DescribeConfigs returns it.
public struct TopicConfigEntry: Sendable, Equatable {
    /// The config's name, e.g. `min.insync.replicas`.
    public let name: String
    /// Its value; nil when unset or sensitive.
    public let value: String?
    /// Whether the value is the broker's built-in default.
    public let isDefault: Bool

    /// An entry as DescribeConfigs returns it.
    package init(name: String, value: String?, isDefault: Bool) {
        self.name = name
        self.value = value
        self.isDefault = isDefault
    }
}
