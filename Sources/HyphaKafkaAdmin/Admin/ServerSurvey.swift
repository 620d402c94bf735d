// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import RDKafka
import RDKafkaAdmin

/// What a Hypha server looks like from the bus.
package struct ServerReport: Sendable, Equatable {
    /// Whether the server is keeping up, from worst to best: gone, silent, stalled, lagging, ok.
    package enum Status: String, Sendable, Equatable {
        /// Its group is missing or dead, or empty with no recent health check:
        /// no process is reading for it. (A Swift server's group is always
        /// empty: it reads without joining; its health checks tell it is there.)
        case gone
        /// No health check for longer than the silence limit.
        case silent
        /// Its lag keeps growing while its committed offsets stand still
        /// (`StallRule`): only refreshes over time can tell, so only `--watch` says so.
        case stalled
        /// Its total lag, or its lag time, is over the limit.
        case lagging
        /// Reading, keeping up, and sending health checks.
        case ok
    }

    package let serverID: String
    /// Its group's state; nil when it has no group.
    package let state: String?
    /// Members its group reports.
    package let members: Int
    /// Σ lag of its group; nil when it has no group.
    package let totalLag: Int64?
    /// The longest its oldest unhandled event has waited, over its group's
    /// partitions; nil when it has no group or nothing was measured.
    package let lagTime: LagTime?
    /// Milliseconds since the epoch of its newest health check; nil when none was found.
    package let lastHealthCheckMillis: Int64?
    /// Its group's committed offsets (empty without a group).
    package let committed: [TopicPartition: Int64]
    /// The verdict.
    package private(set) var status: Status

    /// A report, judged against the limits.
    package init(
        serverID: String, state: String?, members: Int, totalLag: Int64?, lagTime: LagTime? = nil,
        lastHealthCheckMillis: Int64?, committed: [TopicPartition: Int64] = [:], nowMillis: Int64,
        limits: ServerLimits
    ) {
        self.serverID = serverID
        self.state = state
        self.members = members
        self.totalLag = totalLag
        self.lagTime = lagTime
        self.lastHealthCheckMillis = lastHealthCheckMillis
        self.committed = committed
        let silentFor = lastHealthCheckMillis.map { nowMillis - $0 }
        let silent = silentFor.map { $0 > limits.silenceMillis } ?? true
        if state == nil || state == "Dead" || (state == "Empty" && silent) {
            status = .gone
        } else if silent {
            status = .silent
        } else if (totalLag ?? 0) > limits.maxLag || limits.isOver(lagTime) {
            status = .lagging
        } else {
            status = .ok
        }
    }

    /// The report of a server that `StallRule` found stalled: a lagging or ok
    /// server becomes stalled; gone and silent say more and stay.
    package func stalled() -> ServerReport {
        var report = self
        if status == .lagging || status == .ok { report.status = .stalled }
        return report
    }
}

/// When a server stops counting as healthy.
package struct ServerLimits: Sendable, Equatable {
    /// Health checks older than this make a server silent (Hypha sends one every 5 s).
    package var silenceMillis: Int64
    /// A total lag over this makes a server lagging.
    package var maxLag: Int64
    /// A lag time over this makes a server lagging; nil: lag time is not judged.
    package var maxLagMillis: Int64?

    /// Limits; by default silent after 15 s, lagging over 100 events, lag time not judged.
    package init(silenceMillis: Int64 = 15_000, maxLag: Int64 = 100, maxLagMillis: Int64? = nil) {
        self.silenceMillis = silenceMillis
        self.maxLag = maxLag
        self.maxLagMillis = maxLagMillis
    }

    /// Whether `lagTime` is over `maxLagMillis` (an unknown lag time is not).
    package func isOver(_ lagTime: LagTime?) -> Bool {
        guard let maxLagMillis, let millis = lagTime?.millis else { return false }
        return millis > maxLagMillis
    }
}

/// Every Hypha server seen on the bus, from its group and its health-check topic.
package enum ServerSurvey {
    /// One report per server id found in `hypha_server_*` groups or `health_check_*` topics.
    package static func run(
        settings: KafkaClientSettings, limits: ServerLimits = ServerLimits(), nowMillis: () -> Int64
    ) async throws(KafkaFailure) -> [ServerReport] {
        try await take(settings: settings, limits: limits, nowMillis: nowMillis).reports
    }

    /// What one survey found.
    package struct Findings: Sendable {
        /// One report per server.
        package let reports: [ServerReport]
        /// Hypha's topics as the survey's Metadata answer listed them.
        package let hyphaTopics: [ClusterMetadata.Topic]
        /// The end offsets read: every partition a server's group committed in and
        /// of the health topics, and with `everyEnd` every partition of Hypha's
        /// topics. Two surveys' ends give the event rates.
        package let ends: [TopicPartition: Int64]
        /// An admin on the survey's connection, for further questions (`doctor`).
        package let admin: KafkaAdmin
    }

    /// The reports, Hypha's topics, their end offsets, and an admin on the
    /// survey's connection.
    ///
    /// One connection: on a bus of thousands of topics a new one costs more (the
    /// broker lists them all for each client's first Metadata) than it saves. On
    /// it, two chains at once: Metadata, then the ends of the health topics
    /// (with `everyEnd`, of every Hypha topic), then each health topic's last
    /// message; and ListGroups, then DescribeGroups beside one OffsetFetch per
    /// group, then the ends of the partitions the groups committed in. Then one
    /// batched fetch of the records at the groups' committed offsets where they
    /// lag, for each server's lag time. Without `everyEnd` the ListOffsets grow
    /// with what the servers read, not with the bus (12,000 partitions at 3,000
    /// topics, most of them no server's).
    ///
    /// `alongside`, when given, is asked on the survey's connection as soon as the
    /// Metadata answer is in, beside the rest of the survey rather than after it
    /// (`doctor` reads a topic's settings so): with Hypha's topics and the client.
    package static func take(
        settings: KafkaClientSettings, limits: ServerLimits = ServerLimits(), alongside: SideQuestion? = nil,
        nowMillis: () -> Int64
    ) async throws(KafkaFailure) -> Findings {
        try await take(
            admin: KafkaAdmin.reading(settings: settings), limits: limits, alongside: alongside, nowMillis: nowMillis)
    }

    /// A question asked beside a survey; see `take(settings:limits:alongside:nowMillis:)`.
    package typealias SideQuestion =
        @Sendable (_ hyphaTopics: [ClusterMetadata.Topic], _ client: RDKafkaClient) -> Void

    /// A survey on `admin`'s connection (one made by `KafkaAdmin.reading`, kept
    /// across the refreshes of `--watch`).
    package static func take(
        admin: KafkaAdmin, limits: ServerLimits = ServerLimits(), everyEnd: Bool = false,
        alongside: SideQuestion? = nil, nowMillis: () -> Int64
    ) async throws(KafkaFailure) -> Findings {
        guard let reader = admin.reader else {
            preconditionFailure("a survey reads records: its admin comes from KafkaAdmin.reading(settings:)")
        }
        let survey = try await Blocking.run { () throws(KafkaFailure) in
            try Survey.take(reader, everyEnd: everyEnd, alongside: alongside)
        }
        let lags = try await Blocking.run { () throws(KafkaFailure) in
            try admin.withLagTimes(
                survey.groups.map {
                    GroupLag(
                        group: $0.group, state: $0.state, coordinator: nil, members: [],
                        committed: survey.committed[$0.group] ?? [:], ends: survey.ends)
                })
        }
        let members = Dictionary(survey.groups.map { ($0.group, $0.members) }) { first, _ in first }
        let reports = Self.reports(
            groups: lags.map { ($0, members[$0.group] ?? 0) },
            healthTopics: survey.hyphaTopics.map(\.name), newest: survey.newest, limits: limits, nowMillis: nowMillis())
        return Findings(reports: reports, hyphaTopics: survey.hyphaTopics, ends: survey.ends, admin: admin)
    }

    /// The servers of a cluster snapshot (one that read the health checks and
    /// lag times: `snapshot()` of a reading admin), judged against `limits`:
    /// the same reports as a survey, with no second reading of the cluster.
    package static func reports(from cluster: ClusterSnapshot, limits: ServerLimits, nowMillis: Int64)
        -> [ServerReport]
    {
        reports(
            groups: cluster.groups.filter { KafkaAdmin.isServerGroup($0.group) }.map { ($0, $0.members.count) },
            healthTopics: cluster.topics.map(\.name), newest: cluster.healthChecks, limits: limits,
            nowMillis: nowMillis)
    }

    /// One report per server id of a `hypha_server_*` group (with its member
    /// count) or a `health_check_*` topic among `healthTopics`, whose newest
    /// checks are in `newest`.
    private static func reports(
        groups: [(lag: GroupLag, members: Int)], healthTopics: [String], newest: [String: Int64],
        limits: ServerLimits, nowMillis: Int64
    ) -> [ServerReport] {
        var serverIDs = Set(groups.compactMap(\.lag.serverID))
        for topic in healthTopics where topic.hasPrefix(HyphaTopic.healthCheckPrefix) {
            let serverID = String(topic.dropFirst(HyphaTopic.healthCheckPrefix.count))
            if !BusProbe.isProbe(serverID: serverID) { serverIDs.insert(serverID) }
        }
        return serverIDs.sorted().map { id in
            let group = groups.first { $0.lag.serverID == id }
            var committed: [TopicPartition: Int64] = [:]
            for partition in group?.lag.partitions ?? [] {
                if let offset = partition.committed {
                    committed[TopicPartition(topic: partition.topic, partition: partition.partition)] = offset
                }
            }
            return ServerReport(
                serverID: id, state: group?.lag.state, members: group?.members ?? 0, totalLag: group?.lag.totalLag,
                lagTime: group?.lag.maxLagTime, lastHealthCheckMillis: newest[HyphaTopic.healthCheck(serverID: id)],
                committed: committed, nowMillis: nowMillis, limits: limits)
        }
    }

    /// What the survey read off the cluster.
    private struct Survey: Sendable {
        var groups: [GroupSummary]
        var committed: [String: [TopicPartition: Int64]]
        var ends: [TopicPartition: Int64]
        var hyphaTopics: [ClusterMetadata.Topic]
        var newest: [String: Int64]

        static func take(_ reader: RDKafkaPartitionReader, everyEnd: Bool, alongside: SideQuestion?)
            throws(KafkaFailure) -> Survey
        {
            let client = reader.client
            let (topics, groups) = try Blocking.pair(
                { () throws(KafkaFailure) in
                    let hypha = try client.metadata().topics.filter { HyphaTopic.isHypha($0.name) && $0.errorCode == 0 }
                    let health = hypha.filter { $0.name.hasPrefix(HyphaTopic.healthCheckPrefix) }
                    let partitions = (everyEnd ? hypha : health).flatMap { topic in
                        topic.partitions.map { TopicPartition(topic: topic.name, partition: $0.id) }
                    }
                    let chain = { () throws(KafkaFailure) in
                        let ends = try client.offsets(partitions, at: .latest)
                        return (hypha, ends, try newestTimestamps(health, ends: ends, reader: reader))
                    }
                    guard let alongside else { return try chain() }
                    return try Blocking.pair(chain, { alongside(hypha, client) }).0
                },
                { () throws(KafkaFailure) in
                    let listings = try client.listGroups().filter { KafkaAdmin.isServerGroup($0.id) }
                    let ids = listings.map(\.id)
                    let (descriptions, committed) = try Blocking.pair(
                        { () throws(KafkaFailure) in try KafkaAdmin.describeMembers(listings, client: client) },
                        { () throws(KafkaFailure) in try KafkaAdmin.committedOffsets(ids, client: client) })
                    let ends =
                        everyEnd ? [:] : try client.offsets(Array(Set(committed.values.flatMap(\.keys))), at: .latest)
                    return (KafkaAdmin.summaries(listings, descriptions: descriptions), committed, ends)
                })
            var ends = topics.1
            ends.merge(groups.2) { first, _ in first }
            let elsewhere = Set(groups.1.values.flatMap(\.keys)).subtracting(ends.keys)
            if !elsewhere.isEmpty {
                ends.merge(try client.offsets(Array(elsewhere), at: .latest)) { first, _ in first }
            }
            return Survey(groups: groups.0, committed: groups.1, ends: ends, hyphaTopics: topics.0, newest: topics.2)
        }
    }

    /// The newest message's timestamp in each topic: every partition's last
    /// message, read from its end offset − 1 (not librdkafka's tail offsets,
    /// which ask one partition at a time).
    static func newestTimestamps(
        _ topics: [ClusterMetadata.Topic], ends: [TopicPartition: Int64], reader: RDKafkaPartitionReader
    ) throws(KafkaFailure) -> [String: Int64] {
        var starts: [TopicPartition: Int64] = [:]
        for topic in topics {
            for partition in topic.partitions {
                let key = TopicPartition(topic: topic.name, partition: partition.id)
                if let end = ends[key], end > 0 { starts[key] = end - 1 }
            }
        }
        var newest: [String: Int64] = [:]
        let done = try reader.readEach(starts) { item in
            switch item {
            case .message(let message):
                if let time = message.timestampMillis {
                    newest[message.topic] = max(newest[message.topic] ?? .min, time)
                }
                return TopicPartition(topic: message.topic, partition: message.partition)
            case .endOfPartition(let partition, _):
                return partition
            }
        }
        guard done else { throw reader.client.unreachable(while: "read the servers' last health checks") }
        return newest
    }
}
