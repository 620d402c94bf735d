// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Lag as a Hypha server's group shows it, driven by the aiokafka peer.
/// Events are emitted one per command: Tansu's ListOffsets counts a batch as one.
@Suite("groups and servers against the test broker")
struct GroupsTests {
    private func describe(_ group: String, _ extra: [String] = []) throws -> ProcessResult {
        try Hyphactl.run(["groups", "describe", group] + extra)
    }

    private func totalLag(_ serverID: String) throws -> Int? {
        let result = try describe(serverID, ["-o", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        return document?["total_lag"] as? Int
    }

    @Test("lag is 0 once read, grows by exactly the events missed, and returns to 0")
    func lagFollowsThePeer() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "lag-\(event)"
        try Hyphactl.succeed(["emit", event, "first"])
        let first = try PythonPeer.run([
            "consume", "--server-id", server, "--events", event, "--count", "1", "--from-beginning",
        ])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try totalLag(server) == 0)

        for index in 1...5 { try Hyphactl.succeed(["emit", event, "missed \(index)"]) }
        #expect(try totalLag(server) == 5)

        let table = try describe("hypha_server_\(server)")
        #expect(table.status == 0)
        #expect(
            table.output.contains("TOPIC") && table.output.contains("LOG-END-OFFSET")
                && table.output.contains("CLIENT-ID"))
        #expect(table.output.contains("hypha_event_\(event)"))
        #expect(table.output.contains("TOTAL LAG    5"))

        #expect(try describe(server, ["--max-lag", "4"]).status == 3)
        #expect(try describe(server, ["--max-lag", "5"]).status == 0)

        let catchUp = try PythonPeer.run(["consume", "--server-id", server, "--events", event, "--count", "5"])
        #expect(catchUp.status == 0, "\(catchUp.stderr)")
        #expect(try totalLag(server) == 0)
    }

    @Test("describe -o json has docs/cli.md's shape")
    func jsonShape() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "shape-\(event)"
        try Hyphactl.succeed(["emit", event, "one"])
        #expect(
            try PythonPeer.run([
                "consume", "--server-id", server, "--events", event, "--count", "1", "--from-beginning",
            ]).status == 0)
        try Hyphactl.succeed(["emit", event, "two"])
        let result = try describe(server, ["-o", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(document["group"] as? String == "hypha_server_\(server)")
        #expect(document["state"] is String)
        #expect(document["members"] is [Any])
        #expect(document["total_lag"] as? Int == 1)
        let partitions = try #require(document["partitions"] as? [[String: Any]])
        #expect(!partitions.isEmpty)
        for partition in partitions {
            #expect(
                Set(partition.keys) == [
                    "topic", "event", "partition", "committed", "end", "lag", "lag_seconds", "lag_seconds_unknown",
                ])
            #expect(partition["event"] as? String == event)
        }
        #expect(partitions.contains { $0["lag"] as? Int == 1 })
    }

    @Test("groups list shows Hypha server groups with their server ids")
    func list() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "list-\(event)"
        try Hyphactl.succeed(["emit", event, "x"])
        #expect(
            try PythonPeer.run([
                "consume", "--server-id", server, "--events", event, "--count", "1", "--from-beginning",
            ]).status == 0)
        let groups = try #require(
            try JSONSerialization.jsonObject(with: try Hyphactl.succeed(["groups", "list", "-o", "json"]).stdout)
                as? [[String: Any]])
        let mine = try #require(groups.first { $0["group"] as? String == "hypha_server_\(server)" })
        #expect(mine["server_id"] as? String == server)
        #expect(mine["state"] is String && mine["members"] is Int)
        let table = try Hyphactl.succeed(["groups", "list"])
        #expect(table.lines.first?.hasPrefix("GROUP") == true)
        #expect(table.output.contains("hypha_server_\(server)"))

        let all = try Hyphactl.succeed(["groups", "describe", "--all", "-o", "json"])
        let described = try #require(try JSONSerialization.jsonObject(with: all.stdout) as? [[String: Any]])
        #expect(described.contains { $0["group"] as? String == "hypha_server_\(server)" })
    }

    @Test("an unknown group is one line and exit 1")
    func unknownGroup() throws {
        let result = try describe("nobody-\(UUID().uuidString.prefix(8))")
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("servers: ok while reading and sending health checks, silent without them, gone without a group")
    func serverStatuses() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "x"])
        let healthy = "ok-\(event)"
        let quiet = "quiet-\(event)"
        let departed = "gone-\(event)"
        let running = try BackgroundPeer([
            "consume", "--server-id", healthy, "--events", event, "--health-interval", "1", "--timeout", "60",
        ])
        defer { running.stop() }
        let silent = try BackgroundPeer(["consume", "--server-id", quiet, "--events", event, "--timeout", "60"])
        defer { silent.stop() }
        #expect(try PythonPeer.run(["health", "--server-id", departed]).status == 0)
        Thread.sleep(forTimeInterval: 1.5)

        let result = try Hyphactl.run(["servers", "-o", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
        func status(_ id: String) -> String? {
            reports.first { $0["server_id"] as? String == id }?["status"] as? String
        }
        #expect(status(healthy) == "ok")
        #expect(status(quiet) == "silent")
        #expect(status(departed) == "gone")
        let ok = try #require(reports.first { $0["server_id"] as? String == healthy })
        #expect((ok["total_lag"] as? Int ?? 99) <= 2, "a live server commits every second")
        #expect((ok["last_health_check_age_seconds"] as? Double ?? 99) < 5)

        #expect(try Hyphactl.run(["servers", "--check"]).status == 3)
        let table = try Hyphactl.succeed(["servers"])
        #expect(table.lines.first?.contains("LAST-HEALTH-CHECK") == true)
    }

    @Test("servers: a health topic's newest check, whichever of its partitions holds it and however long its history")
    func newestHealthCheckAcrossPartitions() throws {
        let server = "spread-\(TestEnvironment.uniqueEvent())"
        let topic = "health_check_\(server)"
        try Hyphactl.succeed(["topics", "create", topic, "--partitions", "3"])
        func send(_ partition: Int, count: Int) throws {
            let lines = (0..<count).map { _ in
                "{\"key\": null, \"value\": \"\(Data("1.0".utf8).base64EncodedString())\", \"partition\": \(partition)}"
            }
            let sent = try PythonPeer.run(
                ["raw", "--topic", topic], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
            #expect(sent.status == 0, "\(sent.stderr)")
        }
        try send(0, count: 5) // an older history in partition 0, partition 1 empty
        Thread.sleep(forTimeInterval: 3)
        try send(2, count: 1) // the newest check, alone in partition 2

        let result = try Hyphactl.run(["servers", "-o", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
        let report = try #require(reports.first { $0["server_id"] as? String == server })
        let age = try #require(report["last_health_check_age_seconds"] as? Double)
        #expect(age < 2.5, "the newest check is in partition 2, under 3 s younger than partition 0's")
        #expect(report["status"] as? String == "gone")
    }
}
