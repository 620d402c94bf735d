// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire
import Synchronization

/// What a Hypha server looks like from the bus.
package struct ServerReport: Sendable, Equatable {
    /// Whether the server is keeping up, from worst to best: gone, silent, lagging, ok.
    package enum Status: String, Sendable, Equatable {
        /// Its group is missing, empty or dead: no process is reading for it.
        case gone
        /// No health check for longer than the silence limit.
        case silent
        /// Its total lag is over the limit.
        case lagging
        /// Reading, keeping up, and sending health checks.
        case ok
    }

    /// The server id.
    package let serverID: String
    /// Its group's state; nil when it has no group.
    package let state: String?
    /// Members its group reports.
    package let members: Int
    /// Σ lag of its group; nil when it has no group.
    package let totalLag: Int64?
    /// Milliseconds since the epoch of its newest health check; nil when none was found.
    package let lastHealthCheckMillis: Int64?
    /// The verdict.
    package let status: Status

    /// A report, judged against the limits.
    package init(
        serverID: String, state: String?, members: Int, totalLag: Int64?, lastHealthCheckMillis: Int64?,
        nowMillis: Int64, limits: ServerLimits
    ) {
        self.serverID = serverID
        self.state = state
        self.members = members
        self.totalLag = totalLag
        self.lastHealthCheckMillis = lastHealthCheckMillis
        let silentFor = lastHealthCheckMillis.map { nowMillis - $0 }
        if state == nil || state == "Empty" || state == "Dead" {
            status = .gone
        } else if silentFor.map({ $0 > limits.silenceMillis }) ?? true {
            status = .silent
        } else if (totalLag ?? 0) > limits.maxLag {
            status = .lagging
        } else {
            status = .ok
        }
    }
}

/// When a server stops counting as healthy.
package struct ServerLimits: Sendable, Equatable {
    /// Health checks older than this make a server silent (Hypha sends one every 5 s).
    package var silenceMillis: Int64
    /// A total lag over this makes a server lagging.
    package var maxLag: Int64

    /// Limits; by default silent after 15 s, lagging over 100 events.
    package init(silenceMillis: Int64 = 15_000, maxLag: Int64 = 100) {
        self.silenceMillis = silenceMillis
        self.maxLag = maxLag
    }
}

/// Every Hypha server seen on the bus, from its group and its health-check topic.
package enum ServerSurvey {
    /// One report per server id found in `hypha_server_*` groups or `health_check_*` topics.
    package static func run(
        settings: KafkaClientSettings, limits: ServerLimits = ServerLimits(), nowMillis: () -> Int64
    ) async throws(KafkaFailure) -> [ServerReport] {
        let admin = try KafkaAdmin(settings: settings)
        let groups = try await admin.listGroups()
        let healthTopics = try await admin.topicNames().filter { $0.hasPrefix(HyphaTopic.healthCheckPrefix) }
        let lags = try await admin.describeGroups(groups.map(\.group))
        let newest = try await newestTimestamps(healthTopics, settings: settings)

        var serverIDs = Set(groups.compactMap(\.serverID))
        for topic in healthTopics { serverIDs.insert(String(topic.dropFirst(HyphaTopic.healthCheckPrefix.count))) }
        let now = nowMillis()
        return serverIDs.sorted().map { id in
            let group = groups.first { $0.serverID == id }
            let lag = lags.first { $0.serverID == id }
            return ServerReport(
                serverID: id, state: group?.state, members: group?.members ?? 0, totalLag: lag?.totalLag,
                lastHealthCheckMillis: newest[HyphaTopic.healthCheck(serverID: id)], nowMillis: now, limits: limits)
        }
    }

    /// The newest message's timestamp in each topic: the last message of every partition.
    static func newestTimestamps(_ topics: [String], settings: KafkaClientSettings) async throws(KafkaFailure)
        -> [String: Int64]
    {
        guard !topics.isEmpty else { return [:] }
        let newest = NewestTimestamps()
        var request = TailRequest(topics: topics, start: .offset(-1), stopAtEnd: true)
        request.skipsMissingTopics = true // a server's topic may be deleted meanwhile
        _ = try await TailConsumer(settings: settings).run(
            request, stop: TailStopSignal(),
            onMessage: { message in
                if let time = message.timestampMillis { newest.note(message.topic, time) }
            })
        return newest.values
    }
}

/// The newest time seen per topic, shared with the reading thread.
private final class NewestTimestamps: Sendable {
    private let state = Mutex<[String: Int64]>([:])

    func note(_ topic: String, _ millis: Int64) {
        state.withLock { $0[topic] = max($0[topic] ?? .min, millis) }
    }

    var values: [String: Int64] { state.withLock { $0 } }
}
