// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaWire

/// How many events an event topic received per second between two refreshes.
package struct EventRate: Sendable, Equatable {
    package let event: String
    package let topic: String
    /// Events per second.
    package let perSecond: Double

    package init(event: String, topic: String, perSecond: Double) {
        self.event = event
        self.topic = topic
        self.perSecond = perSecond
    }
}

/// A server's report with what its refreshes so far say about its lag.
package struct WatchedServer: Sendable, Equatable {
    /// The report; `stalled` when the stall rule holds.
    package let report: ServerReport
    /// nil without a group to measure.
    package let reading: LagReading?

    /// A server as a refresh saw it.
    package init(report: ServerReport, reading: LagReading?) {
        self.report = report
        self.reading = reading
    }
}

/// A group's lag with what its refreshes so far say about it.
package struct WatchedGroup: Sendable, Equatable {
    /// The group as this refresh found it.
    package let lag: GroupLag
    /// Its trend and the stall rule's verdict.
    package let reading: LagReading

    /// A group as a refresh saw it.
    package init(lag: GroupLag, reading: LagReading) {
        self.lag = lag
        self.reading = reading
    }
}

/// The state of `--watch` between refreshes: the stall rule per group and the
/// end offsets of the refresh before, for trends and event rates. A refresh
/// that failed is left out: the next one is compared with the last that worked.
package struct LagWatch: Sendable {
    private let rule: StallRule
    private var rules: [String: StallRule] = [:]
    private var rates = EventRates()

    /// A watch that judges every group by `rule`.
    package init(rule: StallRule = StallRule()) { self.rule = rule }

    /// A survey's servers with their trends, stalled where the rule holds, and
    /// the event topics' rates from the survey's end offsets, busiest first (nil
    /// at the first refresh). `atMillis` is read off a clock that only goes forward.
    package mutating func servers(_ reports: [ServerReport], ends: [TopicPartition: Int64], atMillis: Int64)
        -> (servers: [WatchedServer], rates: [EventRate]?)
    {
        let servers = reports.map { report in
            let reading = report.totalLag.map { lag in
                record(
                    report.serverID,
                    LagSample(
                        totalLag: lag, committed: report.committed, atMillis: atMillis,
                        lagMillis: report.lagTime?.millis))
            }
            return WatchedServer(report: reading?.stalled == true ? report.stalled() : report, reading: reading)
        }
        forget(except: Set(reports.filter { $0.totalLag != nil }.map(\.serverID)))
        return (servers, eventRates(ends, atMillis: atMillis))
    }

    /// Groups with their trends and the stall rule's verdicts, and the rates of
    /// the event topics they read, busiest first (nil at the first refresh).
    package mutating func groups(_ lags: [GroupLag], atMillis: Int64) -> (groups: [WatchedGroup], rates: [EventRate]?) {
        var ends: [TopicPartition: Int64] = [:]
        let groups = lags.map { lag in
            var committed: [TopicPartition: Int64] = [:]
            for partition in lag.partitions {
                let key = TopicPartition(topic: partition.topic, partition: partition.partition)
                if let end = partition.end { ends[key] = end }
                if let offset = partition.committed { committed[key] = offset }
            }
            let sample = LagSample(
                totalLag: lag.totalLag, committed: committed, atMillis: atMillis, lagMillis: lag.maxLagTime?.millis)
            return WatchedGroup(lag: lag, reading: record(lag.group, sample))
        }
        forget(except: Set(lags.map(\.group)))
        return (groups, eventRates(ends, atMillis: atMillis))
    }

    private mutating func record(_ key: String, _ sample: LagSample) -> LagReading {
        rules[key, default: rule].record(sample)
    }

    /// A group not seen in a refresh starts over when it comes back.
    private mutating func forget(except seen: Set<String>) {
        rules = rules.filter { seen.contains($0.key) }
    }

    private mutating func eventRates(_ ends: [TopicPartition: Int64], atMillis: Int64) -> [EventRate]? {
        let events = ends.filter { HyphaTopic.eventName(fromTopic: $0.key.topic) != nil }
        return rates.record(events, atMillis: atMillis).map { perTopic in
            perTopic.compactMap { topic, perSecond in
                HyphaTopic.eventName(fromTopic: topic).map {
                    EventRate(event: $0, topic: topic, perSecond: perSecond)
                }
            }.sorted { ($0.perSecond, $1.topic) > ($1.perSecond, $0.topic) }
        }
    }
}
