// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import RDKafkaAdmin

/// Where an offset reset moves a group's committed offsets: the targets
/// kafka-consumer-groups.sh offers (earliest, latest, a time, an offset, a shift).
public enum OffsetResetTarget: Sendable, Equatable {
    /// Each partition's low watermark: its oldest stored message.
    case earliest
    /// Each partition's high watermark: past its newest message.
    case latest
    /// The first message at or after this time (milliseconds since the epoch);
    /// the high watermark where no message is that new.
    case time(millis: Int64)
    /// This offset in every partition.
    case offset(Int64)
    /// The committed offset moved by this many messages (negative: back).
    case shift(by: Int64)

    /// A partition's new offset, clamped into `low...high` as kafka-consumer-groups.sh
    /// does. `atTime` is the broker's answer for `.time`: the first offset at or
    /// after it, nil or negative when no message is that new.
    public func newOffset(current: Int64, low: Int64, high: Int64, atTime: Int64? = nil) -> Int64 {
        let wanted: Int64
        switch self {
        case .earliest: wanted = low
        case .latest: wanted = high
        case .time: wanted = atTime.flatMap { $0 >= 0 ? $0 : nil } ?? high
        case .offset(let offset): wanted = offset
        case .shift(let delta):
            let (sum, overflow) = current.addingReportingOverflow(delta)
            wanted = overflow ? (delta > 0 ? .max : .min) : sum
        }
        return min(max(wanted, low), high)
    }
}

/// One partition of an offset reset: where the group stands and where it goes.
public struct OffsetReset: Sendable, Equatable {
    /// The topic.
    public let topic: String
    /// The Hypha event the topic carries, if any.
    public let event: String?
    /// The partition.
    public let partition: Int32
    /// The group's committed offset before the reset.
    public let current: Int64
    /// The offset the reset commits.
    public let new: Int64

    /// A partition's reset.
    public init(topic: String, partition: Int32, current: Int64, new: Int64) {
        self.topic = topic
        self.event = HyphaTopic.eventName(fromTopic: topic)
        self.partition = partition
        self.current = current
        self.new = new
    }
}

/// What an offset reset does to a group, or did.
public struct OffsetResetPlan: Sendable, Equatable {
    /// The group id.
    public let group: String
    /// The group's state when the plan was made (`Empty` or `Dead`).
    public let state: String
    /// One entry per partition, by topic and partition.
    public let partitions: [OffsetReset]
    /// Whether the new offsets were committed; false for a dry run.
    public let executed: Bool

    /// The plan for `group`; `executed` false for a dry run.
    public init(group: String, state: String, partitions: [OffsetReset], executed: Bool) {
        self.group = group
        self.state = state
        self.partitions = partitions
        self.executed = executed
    }
}

extension KafkaAdmin {
    /// Plans moving `group`'s committed offsets to `target` and, with `execute`,
    /// commits them. The partitions are those the group has committed offsets
    /// for, only of `topics` when given. New offsets stay within each partition's
    /// watermarks.
    ///
    /// Refused (`.refused`) unless the group is Empty or Dead, dry run or not: a
    /// running member would overwrite the offsets with its own. An unknown group,
    /// or a topic of `topics` the cluster does not have, is `.notFound`.
    public func resetOffsets(
        group: String, to target: OffsetResetTarget, topics: [String]? = nil, execute: Bool
    ) async throws(KafkaFailure) -> OffsetResetPlan {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in
            let state = try Self.inactiveState(of: [group], client: client)[0]
            var committed = try client.committedOffsets(group: group)
            if let topics {
                let existing = Set(
                    try client.metadata().topics.filter { $0.errorCode == 0 && !$0.partitions.isEmpty }.map(\.name))
                if let missing = topics.first(where: { !existing.contains($0) }) {
                    let event = HyphaTopic.eventName(fromTopic: missing).map { " (event \($0))" } ?? ""
                    throw KafkaFailure(
                        .notFound, "topic \(missing)\(event) does not exist", code: .unknownTopicOrPartition,
                        subject: .topic(missing), isRetriable: false)
                }
                committed = committed.filter { topics.contains($0.key.topic) }
            }
            let keys = committed.keys.sorted()
            var queries: [OffsetQuery] = [.earliest, .latest]
            if case .time(let millis) = target { queries.append(.timestamp(millis)) }
            let answers = try client.offsets(keys, at: queries)
            let partitions = try keys.map { key throws(KafkaFailure) in
                guard let low = answers[0][key], let high = answers[1][key] else {
                    throw KafkaFailure(
                        .notFound, "read the watermarks of \(key.topic) [\(key.partition)]: the broker gave none",
                        hint: "does the topic still exist? --event leaves other topics out",
                        subject: .topic(key.topic))
                }
                let current = committed[key]!
                let new = target.newOffset(
                    current: current, low: low, high: high, atTime: answers.count > 2 ? answers[2][key] : nil)
                return OffsetReset(topic: key.topic, partition: key.partition, current: current, new: new)
            }
            if execute {
                try client.alterCommittedOffsets(
                    group: group,
                    Dictionary(
                        uniqueKeysWithValues: partitions.map { reset in
                            (TopicPartition(topic: reset.topic, partition: reset.partition), reset.new)
                        }))
            }
            return OffsetResetPlan(group: group, state: state, partitions: partitions, executed: execute)
        }
    }

    /// Deletes groups of servers that are gone, with their committed offsets.
    /// Every group is checked before any is deleted: an unknown one is
    /// `.notFound`, one that is not Empty or Dead (it has members) `.refused`.
    /// The checks are made here because brokers differ: Tansu deletes a group
    /// with members, and says nothing of one it does not know.
    public func deleteInactiveGroups(_ groups: [String]) async throws(KafkaFailure) {
        let client = client
        try await Blocking.run { () throws(KafkaFailure) in
            _ = try Self.inactiveState(of: groups, client: client)
            try client.deleteGroups(groups)
        }
    }

    /// The state of each group, each of which must exist and be Empty or Dead.
    static func inactiveState(of groups: [String], client: RDKafkaClient) throws(KafkaFailure) -> [String] {
        let known = Set(try client.listGroups().map(\.id))
        let unlisted = groups.filter { !known.contains($0) }
        let committed = try committedOffsets(unlisted, client: client)
        if let missing = unlisted.first(where: { committed[$0]!.isEmpty }) { throw groupNotFound(missing) }
        let descriptions = try client.describeGroups(groups)
        let states = try groups.map { group throws(KafkaFailure) in
            let state = descriptions.first { $0.id == group }?.state ?? "Unknown"
            guard state == "Empty" || state == "Dead" else {
                let why =
                    switch state {
                    case "Stable": "members are reading through it and would commit over the new offsets"
                    case "PreparingRebalance", "CompletingRebalance":
                        "a member is joining or leaving, and would commit over the new offsets "
                            + "(groups list counts members only once a rebalance is done, so it may show 0)"
                    default: "only an Empty or Dead group's offsets can be moved safely"
                    }
                throw KafkaFailure(
                    .refused, "consumer group \(group) is \(state), not Empty: \(why)",
                    hint: "stop the server or consumer that reads through it first", code: .nonEmptyGroup,
                    subject: .group(group), isRetriable: false)
            }
            return state
        }
        try refuseRunningServers(zip(groups, states).filter { $0.1 == "Empty" }.map(\.0), client: client)
        return states
    }

    /// A Hypha server on this library's event bus reads without joining its
    /// group, so its group is Empty while it runs: Empty server groups whose
    /// health topic's newest check (its record's own timestamp, as `servers`
    /// reads it) is younger than `recentMillis` (`servers`' `--silence`
    /// default) are `.refused`.
    static func refuseRunningServers(
        _ emptyGroups: [String], client: RDKafkaClient, recentMillis: Int64 = ServerLimits().silenceMillis
    ) throws(KafkaFailure) {
        let servers = emptyGroups.filter(isServerGroup).compactMap { group in
            HyphaGroup.serverID(fromGroup: group).map { (group: group, topic: HyphaTopic.healthCheck(serverID: $0)) }
        }
        guard !servers.isEmpty else { return }
        let wanted = Set(servers.map(\.topic))
        let health = try client.metadata().topics.filter { wanted.contains($0.name) }
        guard !health.isEmpty else { return }
        let ends = try client.offsets(
            health.flatMap { topic in topic.partitions.map { TopicPartition(topic: topic.name, partition: $0.id) } },
            at: .latest)
        let reader = try RDKafkaPartitionReader(settings: client.settings, batchSize: 256, fetchWaitMilliseconds: 10)
        let newest = try ServerSurvey.newestTimestamps(health, ends: ends, reader: reader)
        let now = wallClockMillis()
        guard let running = servers.first(where: { newest[$0.topic].map { now - $0 <= recentMillis } ?? false })
        else { return }
        let seconds = recentMillis / 1000
        throw KafkaFailure(
            .refused,
            "consumer group \(running.group) is Empty, but its server sent a health check in the last \(seconds)s: "
                + "a server on the Swift event bus reads without joining its group, and would commit over the change",
            hint: "stop the server first; if it has stopped, wait \(seconds)s for its last health check to age",
            code: .nonEmptyGroup, subject: .group(running.group), isRetriable: false)
    }

    /// "consumer group X does not exist".
    static func groupNotFound(_ group: String) -> KafkaFailure {
        KafkaFailure(
            .notFound, "consumer group \(group) does not exist", code: .groupIDNotFound, subject: .group(group))
    }
}
