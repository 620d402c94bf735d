// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import RDKafkaAdmin

/// A consumer group as the cluster lists it: its id, state and member count.
public struct GroupSummary: Sendable, Equatable {
    /// The group id.
    public let group: String
    /// The Hypha server id, for `hypha_server_*` groups.
    public let serverID: String?
    /// `Stable`, `Empty`, `Dead`, `PreparingRebalance`, …
    public let state: String
    /// How many members the coordinator reports.
    public let members: Int
}

/// Where a consumer group stands in one partition: its committed offset, the
/// log end, the member that owns the partition, and the lag between them.
public struct PartitionLag: Sendable, Equatable {
    /// The topic.
    public let topic: String
    /// The Hypha event the topic carries, if any.
    public let event: String?
    /// The partition.
    public let partition: Int32
    /// The group's committed offset; nil when it has committed none.
    public let committed: Int64?
    /// The log-end offset (high watermark); nil when the broker did not say.
    public let end: Int64?
    /// The member the partition is assigned to, if any.
    public let owner: GroupMember?
    /// How long the event at the committed offset has waited; nil when not measured.
    public internal(set) var lagTime: LagTime?

    /// `end − committed`, never negative; nil without a committed offset.
    public var lag: Int64? {
        guard let committed, let end else { return nil }
        return max(0, end - committed)
    }
}

/// A group with its members and where it stands in every partition.
public struct GroupLag: Sendable, Equatable {
    /// The group id.
    public let group: String
    /// The Hypha server id, for `hypha_server_*` groups.
    public let serverID: String?
    /// The group's state.
    public let state: String
    /// The coordinator broker, when known.
    public let coordinator: String?
    /// Its members (some brokers report none).
    public let members: [GroupMember]
    /// Committed and assigned partitions, by topic and partition.
    public private(set) var partitions: [PartitionLag]

    /// Σ lag over the partitions that have a committed offset.
    public var totalLag: Int64 { partitions.reduce(0) { $0 + ($1.lag ?? 0) } }

    /// A group's lag; `partitions` are joined with the members' assignments here.
    public init(
        group: String, state: String, coordinator: String?, members: [GroupMember],
        committed: [TopicPartition: Int64], ends: [TopicPartition: Int64]
    ) {
        self.group = group
        self.serverID = HyphaGroup.serverID(fromGroup: group)
        self.state = state
        self.coordinator = coordinator
        self.members = members
        var owners: [TopicPartition: GroupMember] = [:]
        for member in members {
            for assignment in member.assignments { owners[assignment] = member }
        }
        let keys = Set(committed.keys).union(owners.keys).sorted()
        partitions = keys.map { key in
            PartitionLag(
                topic: key.topic, event: HyphaTopic.eventName(fromTopic: key.topic), partition: key.partition,
                committed: committed[key], end: ends[key], owner: owners[key])
        }
    }

    /// The group with each partition's lag time set by `time`.
    package func withLagTimes(_ time: (PartitionLag) -> LagTime) -> GroupLag {
        var lag = self
        for index in lag.partitions.indices { lag.partitions[index].lagTime = time(lag.partitions[index]) }
        return lag
    }
}

extension KafkaAdmin {
    /// Hypha's server groups, or every group with `includeAll`; members from one DescribeGroups.
    public func listGroups(includeAll: Bool = false) async throws(KafkaFailure) -> [GroupSummary] {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in
            try Self.groupSummaries(client, includeAll: includeAll).summaries
        }
    }

    /// The groups with their states and member counts, and the DescribeGroups
    /// answer they came from (reused for lag: no second request).
    static func groupSummaries(_ client: RDKafkaClient, includeAll: Bool) throws(KafkaFailure)
        -> (summaries: [GroupSummary], descriptions: [GroupDescriptionRecord])
    {
        let listings = try client.listGroups().filter { includeAll || isServerGroup($0.id) }
        let descriptions = try describeMembers(listings, client: client)
        return (summaries(listings, descriptions: descriptions), descriptions)
    }

    /// DescribeGroups for the listed groups that can have members: an Empty or
    /// Dead group has none by definition (and a bus keeps many, of servers gone).
    static func describeMembers(_ listings: [GroupListing], client: RDKafkaClient) throws(KafkaFailure)
        -> [GroupDescriptionRecord]
    {
        try client.describeGroups(listings.filter { $0.state != "Empty" && $0.state != "Dead" }.map(\.id))
    }

    /// Whether a group is a Hypha server's, a probe's left out (`BusProbe.isProbe`).
    static func isServerGroup(_ group: String) -> Bool {
        guard let serverID = HyphaGroup.serverID(fromGroup: group) else { return false }
        return !BusProbe.isProbe(serverID: serverID)
    }

    /// One summary per listing, its member count from `descriptions`.
    static func summaries(_ listings: [GroupListing], descriptions: [GroupDescriptionRecord]) -> [GroupSummary] {
        let described = Dictionary(descriptions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return listings.map { listing in
            // Older ListGroups answers carry no state; DescribeGroups always does.
            let description = described[listing.id]
            let state = listing.state == "Unknown" ? description?.state ?? listing.state : listing.state
            return GroupSummary(
                group: listing.id, serverID: HyphaGroup.serverID(fromGroup: listing.id),
                state: state, members: description?.members.count ?? 0)
        }
    }

    /// Each group's committed offsets: one OffsetFetch per group, a round trip
    /// each, all asked at once (librdkafka pipelines them on its connection).
    static func committedOffsets(_ groups: [String], client: RDKafkaClient) throws(KafkaFailure)
        -> [String: [TopicPartition: Int64]]
    {
        let offsets = try Blocking.map(groups, width: 64) { group throws(KafkaFailure) in
            try client.committedOffsets(group: group)
        }
        return Dictionary(zip(groups, offsets)) { first, _ in first }
    }

    /// Deletes groups and their committed offsets, e.g. those of servers that are
    /// gone. A group with members is `.refused`; an unknown one is `.notFound`.
    public func deleteGroups(_ groups: [String]) async throws(KafkaFailure) {
        let client = client
        try await Blocking.run { () throws(KafkaFailure) in try client.deleteGroups(groups) }
    }

    /// Every group id the cluster knows.
    public func groupNames() async throws(KafkaFailure) -> [String] {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in try client.listGroups().map(\.id) }
    }

    /// Members and lag of each group. Whatever the number of partitions, this costs
    /// one DescribeGroups, one OffsetFetch per group (asked at once) and batched
    /// ListOffsets; an admin made by `reading(settings:)` also reads each lagging
    /// partition's record at the committed offset (one batched fetch) for its
    /// lag time. A group the cluster does not know is a `.notFound` failure.
    public func describeGroups(_ groups: [String]) async throws(KafkaFailure) -> [GroupLag] {
        let client = client
        return try await Blocking.run { () throws(KafkaFailure) in
            let known = Set(try client.listGroups().map(\.id))
            let descriptions = try client.describeGroups(groups)
            return try self.withLagTimes(Self.lags(groups, descriptions: descriptions, known: known, client: client))
        }
    }

    /// Lag of each group, its DescribeGroups answer given: one OffsetFetch per
    /// group (asked at once) and batched ListOffsets. A group in neither `known`
    /// nor the committed offsets is a `.notFound` failure.
    static func lags(
        _ groups: [String], descriptions: [GroupDescriptionRecord], known: Set<String>, client: RDKafkaClient
    ) throws(KafkaFailure) -> [GroupLag] {
        let committed = try committedOffsets(groups, client: client)
        if let missing = groups.first(where: { !known.contains($0) && committed[$0]!.isEmpty }) {
            throw groupNotFound(missing)
        }
        let assigned = descriptions.flatMap { $0.members.flatMap(\.assignments) }
        let partitions = Array(Set(committed.values.flatMap(\.keys)).union(assigned))
        let ends = try client.offsets(partitions, at: .latest)
        return groups.map { group in
            let description = descriptions.first { $0.id == group }
            return GroupLag(
                group: group, state: description?.state ?? "Unknown", coordinator: description?.coordinator,
                members: description?.members ?? [], committed: committed[group] ?? [:], ends: ends)
        }
    }
}
