// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaKafkaAdmin
import HyphaWire

/// One refresh of `servers --watch` and `groups describe --watch`: a table for
/// people (the loop puts a timestamp line or a header above it), or one JSON
/// line with its own timestamp.
enum WatchRendering {
    /// How many of the busiest event topics the servers table shows.
    static let busiest = 10

    static func servers(
        _ servers: [WatchedServer], rates: [EventRate]?, as format: OutputFormat, nowMillis: Int64, style: Style
    ) -> String {
        // Thousands of idle topics would drown the few that carry events.
        let moving = rates?.filter { $0.perSecond > 0 }
        switch format {
        case .json:
            let documents = servers.map { server in
                var fields = GroupRendering.fields(of: server.report, nowMillis: nowMillis)
                let lag = fields.firstIndex { $0.0 == "total_lag" }.map { $0 + 1 } ?? fields.count
                fields.insert(contentsOf: trendFields(server.reading), at: lag)
                let time = fields.firstIndex { $0.0 == "max_lag_seconds_unknown" }.map { $0 + 1 } ?? fields.count
                fields.insert(lagTimeChangeField(server.reading), at: time)
                return JSONValue.object(fields)
            }
            return JSONDocument.line(
                .object([
                    ("timestamp", .string(WireTimestamp.iso8601(millis: nowMillis))),
                    ("servers", .array(documents)),
                    ("event_rates", rateDocuments(moving)),
                ]))
        case .table, .wide:
            var table = Table(
                "SERVER-ID", "STATE", "MEMBERS", "TOTAL-LAG", "TREND", "LAG-TIME", "LAST-HEALTH-CHECK", "STATUS")
            table.droppable = GroupRendering.serverColumnsDropped
            for server in servers {
                let report = server.report
                table.add([
                    report.serverID, report.state ?? "-", String(report.members),
                    report.totalLag.map(String.init) ?? "-", trend(server.reading),
                    lagTime(report.lagTime, change: server.reading?.lagTimeChangeMillis),
                    GroupRendering.age(of: report, nowMillis: nowMillis),
                    GroupRendering.status(report.status, style: style),
                ])
            }
            var text = table.rendered(wide: format == .wide) + "\n"
            guard let moving else { return text + "EVENTS/S from the next refresh on\n" }
            guard !moving.isEmpty else { return text + "no events since the last refresh\n" }
            var busiest = Table("EVENT", "EVENTS/S", "TOPIC")
            busiest.droppable = ["TOPIC"]
            for rate in moving.prefix(Self.busiest) {
                busiest.add([TerminalText.safe(rate.event), perSecond(rate.perSecond), rate.topic])
            }
            text += busiest.rendered(wide: format == .wide)
            if moving.count > Self.busiest { text += "and \(moving.count - Self.busiest) more event topics\n" }
            return text
        }
    }

    static func groups(_ groups: [WatchedGroup], rates: [EventRate]?, as format: OutputFormat, nowMillis: Int64)
        -> String
    {
        let byTopic = Dictionary((rates ?? []).map { ($0.topic, $0) }, uniquingKeysWith: { first, _ in first })
        func ratesRead(by group: GroupLag) -> [EventRate]? {
            guard rates != nil else { return nil }
            return Set(group.partitions.map(\.topic)).compactMap { byTopic[$0] }.sorted { $0.topic < $1.topic }
        }
        switch format {
        case .json:
            let documents = groups.map { watched in
                var fields = GroupRendering.fields(watched.lag)
                fields += trendFields(watched.reading)
                fields.append(lagTimeChangeField(watched.reading))
                fields.append(("stalled", .bool(watched.reading.stalled)))
                fields.append(("event_rates", rateDocuments(ratesRead(by: watched.lag))))
                return JSONValue.object(fields)
            }
            return JSONDocument.line(
                .object([
                    ("timestamp", .string(WireTimestamp.iso8601(millis: nowMillis))),
                    ("groups", .array(documents)),
                ]))
        case .table, .wide:
            return groups.map { watched in
                var text = GroupRendering.table(watched.lag, wide: format == .wide)
                text += "TREND        \(trend(watched.reading))\(watched.reading.stalled ? ", stalled" : "")"
                let timeChange = LagTimeRendering.change(watched.reading.lagTimeChangeMillis)
                text += timeChange.isEmpty ? "\n" : "; lag time \(timeChange)\n"
                guard let rates = ratesRead(by: watched.lag) else {
                    return text + "EVENTS/S     from the next refresh on\n"
                }
                var table = Table("EVENT", "EVENTS/S", "TOPIC")
                table.droppable = ["TOPIC"]
                for rate in rates { table.add([TerminalText.safe(rate.event), perSecond(rate.perSecond), rate.topic]) }
                return text + "\n" + table.rendered(wide: format == .wide)
            }.joined(separator: "\n")
        }
    }

    /// `growing +5`, `shrinking -3`, `steady`; `-` before a second refresh or without a group.
    static func trend(_ reading: LagReading?) -> String {
        guard let reading, let trend = reading.trend, let change = reading.change else { return "-" }
        switch trend {
        case .growing: return "growing +\(change)"
        case .shrinking: return "shrinking \(change)"
        case .steady: return "steady"
        }
    }

    /// A lag time and its change since the refresh before: `1m (+12s)`.
    static func lagTime(_ time: LagTime?, change: Int64?) -> String {
        let text = LagTimeRendering.text(time)
        let change = LagTimeRendering.change(change)
        return change.isEmpty ? text : "\(text) (\(change))"
    }

    /// Events per second for people: one decimal, `<0.1` for a trickle.
    static func perSecond(_ value: Double) -> String {
        value > 0 && value < 0.05 ? "<0.1" : String(format: "%.1f", value)
    }

    /// `lag_change` and `trend`: null before a second refresh.
    private static func trendFields(_ reading: LagReading?) -> [(String, JSONValue)] {
        [
            ("lag_change", reading?.change.map { JSONDocument.number($0) } ?? .null),
            ("trend", JSONDocument.string(reading?.trend?.rawValue)),
        ]
    }

    /// `lag_seconds_change`: null before a second refresh or when a lag time is unknown.
    private static func lagTimeChangeField(_ reading: LagReading?) -> (String, JSONValue) {
        ("lag_seconds_change", LagTimeRendering.changeSeconds(reading?.lagTimeChangeMillis))
    }

    /// `[{"event","topic","events_per_second"}]`; null before a second refresh.
    private static func rateDocuments(_ rates: [EventRate]?) -> JSONValue {
        guard let rates else { return .null }
        return .array(
            rates.map { rate in
                .object([
                    ("event", .string(rate.event)),
                    ("topic", .string(rate.topic)),
                    ("events_per_second", .number(decimal(rate.perSecond))),
                ])
            })
    }

    /// At most three decimals, no trailing zeros: `12.5`, `0.333`, `0`.
    static func decimal(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
