// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire

/// Tables and JSON for `groups list`, `groups describe`, `groups reset-offsets` and `servers`.
enum GroupRendering {
    static func list(_ groups: [GroupSummary], as format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONDocument.line(
                .array(
                    groups.map { group in
                        .object([
                            ("group", .string(group.group)),
                            ("server_id", JSONDocument.string(group.serverID)),
                            ("state", .string(group.state)),
                            ("members", JSONDocument.number(group.members)),
                        ])
                    }))
        case .table, .wide:
            var table = Table("GROUP", "SERVER-ID", "STATE", "MEMBERS")
            table.droppable = ["MEMBERS", "STATE"]
            for group in groups {
                table.add([group.group, group.serverID ?? "-", group.state, String(group.members)])
            }
            return table.rendered(wide: format == .wide)
        }
    }

    static func describe(_ groups: [GroupLag], as format: OutputFormat, single: Bool) -> String {
        switch format {
        case .json:
            let documents = groups.map(document)
            return JSONDocument.line(single && documents.count == 1 ? documents[0] : .array(documents))
        case .table, .wide:
            return groups.map { table($0, wide: format == .wide) }.joined(separator: "\n")
        }
    }

    /// `groups describe -o json`'s document of one group.
    static func document(_ group: GroupLag) -> JSONValue { .object(fields(group)) }

    /// The fields of a group's document, in order.
    static func fields(_ group: GroupLag) -> [(String, JSONValue)] {
        [
            ("group", .string(group.group)),
            ("server_id", JSONDocument.string(group.serverID)),
            ("state", .string(group.state)),
            ("coordinator", JSONDocument.string(group.coordinator)),
            (
                "members",
                .array(
                    group.members.map { member in
                        .object([
                            ("member_id", .string(member.memberID)),
                            ("client_id", .string(member.clientID)),
                            ("host", .string(member.host)),
                            (
                                "assignments",
                                .array(
                                    member.assignments.map { assignment in
                                        .object([
                                            ("topic", .string(assignment.topic)),
                                            ("partition", JSONDocument.number(assignment.partition)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            (
                "partitions",
                .array(
                    group.partitions.map { partition in
                        .object([
                            ("topic", .string(partition.topic)),
                            ("event", JSONDocument.string(partition.event)),
                            ("partition", JSONDocument.number(partition.partition)),
                            ("committed", partition.committed.map { JSONDocument.number($0) } ?? .null),
                            ("end", partition.end.map { JSONDocument.number($0) } ?? .null),
                            ("lag", partition.lag.map { JSONDocument.number($0) } ?? .null),
                            ("lag_seconds", LagTimeRendering.seconds(partition.lagTime)),
                            ("lag_seconds_unknown", LagTimeRendering.unknownReason(partition.lagTime)),
                        ])
                    })
            ),
            ("total_lag", JSONDocument.number(group.totalLag)),
            ("max_lag_seconds", LagTimeRendering.seconds(group.maxLagTime)),
            ("max_lag_seconds_unknown", LagTimeRendering.unknownReason(group.maxLagTime)),
        ]
    }

    /// A group's state, members and partitions, for people.
    static func table(_ group: GroupLag, wide: Bool = false) -> String {
        var text = "GROUP        \(group.group)\n"
        text += "STATE        \(group.state)\n"
        text += "COORDINATOR  \(group.coordinator ?? "-")\n"
        text += "MEMBERS      \(group.members.count)\n\n"
        if !group.members.isEmpty {
            var members = Table("MEMBER-ID", "CLIENT-ID", "HOST", "ASSIGNED")
            members.cuttable = ["ASSIGNED"]
            members.droppable = ["HOST", "CLIENT-ID"]
            for member in group.members {
                let assigned = member.assignments.map { "\($0.topic)[\($0.partition)]" }.joined(separator: ",")
                members.add([member.memberID, member.clientID, member.host, assigned.isEmpty ? "-" : assigned])
            }
            text += members.rendered(wide: wide) + "\n"
        }
        var partitions = Table(
            "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "LAG-TIME", "CONSUMER-ID", "HOST",
            "CLIENT-ID")
        partitions.droppable = ["CLIENT-ID", "HOST", "CONSUMER-ID", "LOG-END-OFFSET"]
        for partition in group.partitions {
            partitions.add([
                partition.topic, String(partition.partition),
                partition.committed.map(String.init) ?? "-", partition.end.map(String.init) ?? "-",
                partition.lag.map(String.init) ?? "-", LagTimeRendering.text(partition.lagTime),
                partition.owner?.memberID ?? "-", partition.owner?.host ?? "-", partition.owner?.clientID ?? "-",
            ])
        }
        text += partitions.rendered(wide: wide)
        text += "\nTOTAL LAG    \(group.totalLag)\n"
        text += "MAX LAG-TIME \(LagTimeRendering.summary(group.maxLagTime))\n"
        return text
    }

    /// `groups reset-offsets`: TOPIC PARTITION CURRENT NEW, or one JSON object.
    static func resetPlan(_ plan: OffsetResetPlan, as format: OutputFormat) -> String {
        switch format {
        case .json:
            return JSONDocument.line(
                .object([
                    ("group", .string(plan.group)),
                    ("server_id", JSONDocument.string(HyphaGroup.serverID(fromGroup: plan.group))),
                    ("state", .string(plan.state)),
                    ("executed", .bool(plan.executed)),
                    (
                        "partitions",
                        .array(
                            plan.partitions.map { reset in
                                .object([
                                    ("topic", .string(reset.topic)),
                                    ("event", JSONDocument.string(reset.event)),
                                    ("partition", JSONDocument.number(reset.partition)),
                                    ("current", JSONDocument.number(reset.current)),
                                    ("new", JSONDocument.number(reset.new)),
                                ])
                            })
                    ),
                ]))
        case .table, .wide:
            var table = Table("TOPIC", "PARTITION", "CURRENT", "NEW")
            for reset in plan.partitions {
                table.add([reset.topic, String(reset.partition), String(reset.current), String(reset.new)])
            }
            return table.rendered(wide: format == .wide)
        }
    }

    static func servers(_ reports: [ServerReport], as format: OutputFormat, nowMillis: Int64, style: Style) -> String {
        switch format {
        case .json:
            return JSONDocument.line(.array(reports.map { .object(fields(of: $0, nowMillis: nowMillis)) }))
        case .table, .wide:
            var table = Table(
                "SERVER-ID", "STATE", "MEMBERS", "TOTAL-LAG", "LAG-TIME", "LAST-HEALTH-CHECK", "STATUS")
            table.droppable = Self.serverColumnsDropped
            for report in reports {
                table.add([
                    report.serverID, report.state ?? "-", String(report.members),
                    report.totalLag.map(String.init) ?? "-", LagTimeRendering.text(report.lagTime),
                    age(of: report, nowMillis: nowMillis),
                    status(report.status, style: style),
                ])
            }
            return table.rendered(wide: format == .wide)
        }
    }

    /// The columns of the servers tables left out on a narrow terminal, the first first.
    static let serverColumnsDropped = ["LAST-HEALTH-CHECK", "MEMBERS", "STATE", "LAG-TIME"]

    /// The fields of a server's JSON object, in order.
    static func fields(of report: ServerReport, nowMillis: Int64) -> [(String, JSONValue)] {
        [
            ("server_id", .string(report.serverID)),
            ("state", JSONDocument.string(report.state)),
            ("members", JSONDocument.number(report.members)),
            ("total_lag", report.totalLag.map { JSONDocument.number($0) } ?? .null),
            ("max_lag_seconds", LagTimeRendering.seconds(report.lagTime)),
            ("max_lag_seconds_unknown", LagTimeRendering.unknownReason(report.lagTime)),
            (
                "last_health_check",
                report.lastHealthCheckMillis.map { .string(WireTimestamp.iso8601(millis: $0)) } ?? .null
            ),
            (
                "last_health_check_age_seconds",
                report.lastHealthCheckMillis.map {
                    .number(WatchRendering.decimal(Double(max(0, nowMillis - $0)) / 1000))
                }
                    ?? .null
            ),
            ("status", .string(report.status.rawValue)),
        ]
    }

    /// How long ago a health check was, for the table, as kubectl shows ages:
    /// `4s ago`, `17m ago`, `3h12m ago`; or `never`. JSON keeps exact seconds.
    static func age(of report: ServerReport, nowMillis: Int64) -> String {
        report.lastHealthCheckMillis.map { "\(Age.text(millis: nowMillis - $0)) ago" } ?? "never"
    }

    /// A status for the table: green when ok, red otherwise.
    static func status(_ status: ServerReport.Status, style: Style) -> String {
        status == .ok ? style.green("ok") : style.red(status.rawValue)
    }
}
