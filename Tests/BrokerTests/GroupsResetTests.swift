// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import RDKafka
import RDKafkaAdmin
import TestSupport
import Testing

/// `groups reset-offsets` and `groups delete` on groups the aiokafka peer left.
///
/// A stopped server's group is made with `consume --no-join`: the peer commits
/// through the group without joining it. Tansu 0.6 keeps a group Stable after
/// aiokafka's member leaves it (it ignores LeaveGroup v0/v1's member id), where
/// Kafka makes it Empty.
extension GroupsTests {
    /// A server that read `count` events of `events` from the beginning and stopped: its group is Empty.
    private func stoppedServer(_ server: String, events: [String], count: Int) throws {
        let run = try PythonPeer.run([
            "consume", "--server-id", server, "--events", events.joined(separator: ","), "--count", String(count),
            "--from-beginning", "--no-join",
        ])
        #expect(run.status == 0, "\(run.stderr)")
    }

    /// One health check of `server`, stamped `agedSeconds` ago by its producer.
    private func healthCheck(_ server: String, agedSeconds: Int) throws {
        let stamp = Int64(Date().timeIntervalSince1970 * 1000) - Int64(agedSeconds) * 1000
        let sent = try PythonPeer.run(
            ["raw", "--topic", "health_check_\(server)"],
            stdin: Data(#"{"key": null, "value": "MS4w", "timestamp_ms": \#(stamp)}"#.utf8 + [0x0A]))
        try #require(sent.status == 0, "\(sent.stderr)")
    }

    /// Emits each text as its own event (Tansu's ListOffsets counts a batch as one message).
    private func emit(_ event: String, _ texts: [String]) throws {
        for text in texts { try Hyphactl.succeed(["emit", event, text]) }
    }

    private func describeJSON(_ server: String) throws -> [String: Any] {
        let result = try Hyphactl.run(["groups", "describe", server, "-o", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    /// `"topic[partition]"` → committed offset, as `groups describe` shows them.
    private func committed(_ server: String) throws -> [String: Int] {
        let partitions = try #require(try describeJSON(server)["partitions"] as? [[String: Any]])
        var offsets: [String: Int] = [:]
        for partition in partitions {
            offsets["\(partition["topic"]!)[\(partition["partition"]!)]"] = partition["committed"] as? Int
        }
        return offsets
    }

    private func reset(_ server: String, _ arguments: [String]) throws -> ProcessResult {
        try Hyphactl.run(["groups", "reset-offsets", server] + arguments + ["-o", "json"])
    }

    /// The plan a successful reset printed: `"topic[partition]"` → (current, new).
    private func plan(_ server: String, _ arguments: [String], executed: Bool = false) throws
        -> [String: (current: Int, new: Int)]
    {
        let result = try reset(server, arguments)
        #expect(result.status == 0, "reset-offsets \(arguments) exited \(result.status): \(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        #expect(document["executed"] as? Bool == executed)
        var rows: [String: (current: Int, new: Int)] = [:]
        for row in try #require(document["partitions"] as? [[String: Any]]) {
            rows["\(row["topic"]!)[\(row["partition"]!)]"] = (row["current"] as! Int, row["new"] as! Int)
        }
        return rows
    }

    /// The one partition that holds `event`'s messages (one key, so one partition), as `"topic[partition]"`.
    private func busyPartition(_ server: String) throws -> String {
        let offsets = try committed(server)
        return try #require(offsets.first { $0.value > 0 }?.key, "no partition with a committed offset above 0")
    }

    @Test("reset-offsets: a dry run changes nothing; --execute commits exactly the plan")
    func resetDryRunThenExecute() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "reset-\(event)"
        try emit(event, ["1", "2", "3", "4"])
        try stoppedServer(server, events: [event], count: 4)
        let before = try Hyphactl.succeed(["groups", "describe", server, "-o", "json"])
        #expect(try describeJSON(server)["total_lag"] as? Int == 0)

        let dryRun = try reset(server, ["--to-earliest"])
        #expect(dryRun.status == 0, "\(dryRun.stderr)")
        #expect(dryRun.stderr.contains("dry run"))
        let planned = try plan(server, ["--to-earliest"])
        #expect(Set(planned.keys) == Set(try committed(server).keys), "every partition the group committed")
        #expect(planned.values.map(\.current).reduce(0, +) == 4)
        #expect(planned.values.allSatisfy { $0.new == 0 })
        let after = try Hyphactl.succeed(["groups", "describe", server, "-o", "json"])
        #expect(after.output == before.output, "a dry run commits nothing")

        let table = try Hyphactl.succeed(["groups", "reset-offsets", server, "--to-earliest"])
        #expect(
            table.lines.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                "TOPIC", "PARTITION", "CURRENT", "NEW",
            ])

        let done = try plan(server, ["--to-earliest", "--execute"], executed: true)
        #expect(done.mapValues(\.new) == planned.mapValues(\.new))
        #expect(try committed(server) == done.mapValues(\.new))
        let lag = done.values.reduce(0) { $0 + $1.current - $1.new }
        #expect(lag == 4)
        #expect(try describeJSON(server)["total_lag"] as? Int == lag)
    }

    @Test("reset-offsets: every mode, clamped into each partition's watermarks")
    func resetModes() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "modes-\(event)"
        try emit(event, ["a1", "a2", "a3"])
        Thread.sleep(forTimeInterval: 1.2)
        let between = Date()
        Thread.sleep(forTimeInterval: 0.3)
        try emit(event, ["b1", "b2"])
        try stoppedServer(server, events: [event], count: 5)
        let busy = try busyPartition(server)
        let empty = try #require(try committed(server).keys.first { $0 != busy }, "the topic has other partitions")

        func new(_ arguments: [String]) throws -> Int? { try plan(server, arguments)[busy]?.new }
        #expect(try new(["--to-earliest"]) == 0)
        #expect(try new(["--to-latest"]) == 5)
        #expect(try new(["--to-offset", "2"]) == 2)
        #expect(try new(["--to-offset", "99"]) == 5, "clamped to the high watermark")
        #expect(try plan(server, ["--to-offset", "2"])[empty]?.new == 0, "an empty partition stays at 0")
        #expect(try new(["--shift-by", "-2"]) == 3)
        #expect(try new(["--shift-by", "-99"]) == 0, "clamped to the low watermark")
        #expect(try new(["--shift-by", "99"]) == 5)
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(try new(["--to-datetime", iso.string(from: between)]) == 3, "the first message after the time")
        #expect(try new(["--to-datetime", "1d"]) == 0)

        // Executed one after another: a shift starts from what the last reset committed.
        #expect(try plan(server, ["--to-offset", "1", "--execute"], executed: true)[busy]?.new == 1)
        let shifted = try #require(try plan(server, ["--shift-by", "2", "--execute"], executed: true)[busy])
        #expect(shifted.current == 1 && shifted.new == 3)
        #expect(try committed(server)[busy] == 3)
        #expect(try plan(server, ["--shift-by=-10", "--execute"], executed: true)[busy]?.new == 0)
        #expect(try committed(server)[busy] == 0)
        #expect(try describeJSON(server)["total_lag"] as? Int == 5)
    }

    @Test("reset-offsets --event: only that event's topic; an event without a topic is named")
    func resetByEvent() throws {
        let first = TestEnvironment.uniqueEvent()
        let second = TestEnvironment.uniqueEvent()
        let server = "narrow-\(first)"
        try emit(first, ["1", "2"])
        try emit(second, ["1", "2", "3"])
        try stoppedServer(server, events: [first, second], count: 5)
        let before = try committed(server)
        #expect(Set(before.keys.map { $0.prefix { $0 != "[" } }) == ["hypha_event_\(first)", "hypha_event_\(second)"])

        let narrowed = try plan(server, ["--to-earliest", "--event", first, "--execute"], executed: true)
        #expect(!narrowed.isEmpty && narrowed.keys.allSatisfy { $0.hasPrefix("hypha_event_\(first)[") })
        let after = try committed(server)
        for (key, offset) in before {
            #expect(after[key] == (key.hasPrefix("hypha_event_\(first)[") ? 0 : offset), "\(key)")
        }
        #expect(try describeJSON(server)["total_lag"] as? Int == 2)

        let missing = "no-topic-\(UUID().uuidString.prefix(8).lowercased())"
        let refused = try reset(server, ["--to-earliest", "--event", first, "--event", missing])
        #expect(refused.status == 1)
        #expect(
            refused.stderr.contains("hypha_event_\(missing) (event \(missing)) does not exist"), "\(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1)
    }

    @Test("reset-offsets and delete are refused while the server runs, and change nothing")
    func refusedWhileRunning() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "live-\(event)"
        let stopped = "stopped-\(event)"
        try emit(event, ["1"])
        try stoppedServer(stopped, events: [event], count: 1)
        let running = try BackgroundPeer(["consume", "--server-id", server, "--events", event, "--timeout", "60"])
        defer { running.stop() }
        Thread.sleep(forTimeInterval: 1.5) // past the peer's first auto-commit
        let before = try committed(server)

        for arguments in [["--to-earliest"], ["--to-earliest", "--execute"], ["--shift-by", "-1", "--execute"]] {
            let result = try reset(server, arguments)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            // The state, and why it stops the reset: a member would commit over the new offsets.
            #expect(result.stderr.contains("hypha_server_\(server) is "), "\(result.stderr)")
            #expect(result.stderr.contains("not Empty") && result.stderr.contains("commit over"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stdout.isEmpty)
        }
        #expect(try committed(server) == before)

        // What the broker itself answers a commit from outside (a reset racing a server's start).
        let client = try RDKafkaClient.make(
            .producer, settings: KafkaClientSettings(bootstrapServers: try TestEnvironment.bootstrap()))
        let partition = TopicPartition(topic: "hypha_event_\(event)", partition: 0)
        let failure = #expect(throws: KafkaFailure.self) {
            try client.alterCommittedOffsets(group: "hypha_server_\(server)", [partition: 0])
        }
        #expect(failure?.kind == .refused)
        #expect(
            failure?.reason.contains("hypha_event_\(event) [0]: the group has live members") == true,
            "\(String(describing: failure))")
        #expect(try committed(server) == before)

        let delete = try Hyphactl.run(["groups", "delete", stopped, server, "--yes"])
        #expect(delete.status == 1)
        #expect(delete.stderr.contains("not Empty") && delete.stderr.split(separator: "\n").count == 1)
        let listed = try Hyphactl.succeed(["groups", "list"]).output
        #expect(listed.contains("hypha_server_\(server)"))
        #expect(listed.contains("hypha_server_\(stopped)"), "nothing is deleted when one group is refused")
    }

    @Test("an unknown group: reset-offsets and delete exit 1 naming it")
    func unknownGroupResetAndDelete() throws {
        let nobody = "nobody-\(UUID().uuidString.prefix(8).lowercased())"
        for arguments in [["groups", "reset-offsets", nobody, "--to-latest"], ["groups", "delete", nobody, "--yes"]] {
            let result = try Hyphactl.run(arguments)
            #expect(result.status == 1)
            #expect(result.stderr.contains("consumer group hypha_server_\(nobody) does not exist"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test("reset-offsets without exactly one mode, or with a negative --to-offset, is a usage error")
    func resetUsage() throws {
        for arguments in [[], ["--to-earliest", "--to-latest"], ["--to-offset=-1"], ["--to-datetime", "soon"]] {
            #expect(try Hyphactl.run(["groups", "reset-offsets", "1"] + arguments).status == 64, "\(arguments)")
        }
    }

    @Test("an Empty group whose server sent a health check in the last 15 s is running: reset and delete refuse")
    func runningSwiftServerRefused() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "swiftly-\(event)"
        try emit(event, ["1", "2"])
        try stoppedServer(server, events: [event], count: 1)
        // A server on the Swift event bus: no member in its group, health checks going on.
        try healthCheck(server, agedSeconds: 60)
        try healthCheck(server, agedSeconds: 0)
        let before = try committed(server)

        let reset = try Hyphactl.run(["groups", "reset-offsets", server, "--to-latest", "--execute"])
        #expect(reset.status == 1)
        #expect(reset.stderr.contains("health check in the last 15s"), "\(reset.stderr)")
        #expect(try committed(server) == before)
        let delete = try Hyphactl.run(["groups", "delete", server, "--yes"])
        #expect(delete.status == 1)
        #expect(delete.stderr.contains("is Empty, but its server sent a health check"), "\(delete.stderr)")
        #expect(try Hyphactl.succeed(["groups", "list"]).output.contains("hypha_server_\(server)"))
    }

    @Test("an Empty group whose server's last health check is older than 15 s can be deleted")
    func staleHealthCheckDeletes() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "quiet-\(event)"
        try emit(event, ["1"])
        try stoppedServer(server, events: [event], count: 1)
        try healthCheck(server, agedSeconds: 60)
        let deleted = try Hyphactl.run(["groups", "delete", server, "--yes"])
        #expect(deleted.status == 0, "\(deleted.stderr)")
    }

    @Test("groups delete: a stopped server's group goes; without --yes and a terminal nothing does")
    func deleteStoppedGroup() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = "leftover-\(event)"
        try emit(event, ["1"])
        try stoppedServer(server, events: [event], count: 1)
        func listed() throws -> Bool {
            let groups = try #require(
                try JSONSerialization.jsonObject(with: try Hyphactl.succeed(["groups", "list", "-o", "json"]).stdout)
                    as? [[String: Any]])
            return groups.contains { $0["group"] as? String == "hypha_server_\(server)" }
        }
        #expect(try listed())

        let unconfirmed = try Hyphactl.run(["groups", "delete", server])
        #expect(unconfirmed.status == 1)
        #expect(unconfirmed.stderr.contains("without --yes"))
        #expect(try listed())

        let deleted = try Hyphactl.succeed(["groups", "delete", server, "--yes"])
        #expect(deleted.output == "deleted consumer group hypha_server_\(server)\n")
        #expect(try !listed())
        #expect(try Hyphactl.run(["groups", "describe", server]).status == 1)
    }
}
