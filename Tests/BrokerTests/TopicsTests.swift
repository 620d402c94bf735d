// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

@Suite("topics against the test broker")
struct TopicsTests {
    @Test("create, describe, list and delete a topic")
    func lifecycle() throws {
        let event = TestEnvironment.uniqueEvent()
        let topic = "hypha_event_\(event)"
        let created = try Hyphactl.succeed(["topics", "create", event, "-p", "3", "-r", "1"])
        #expect(created.output.contains(topic))

        let again = try Hyphactl.run(["topics", "create", event, "-p", "3"])
        #expect(again.status == 1)
        #expect(again.stderr.split(separator: "\n").count == 1)

        let described = try Hyphactl.succeed(["topics", "describe", event, "-o", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: described.stdout) as? [String: Any])
        #expect(document["topic"] as? String == topic)
        #expect(document["event"] as? String == event)
        let partitions = try #require(document["partitions"] as? [[String: Any]])
        #expect(partitions.map { $0["partition"] as? Int } == [0, 1, 2])
        #expect(partitions.allSatisfy { $0["messages"] as? Int == 0 && $0["leader"] is Int && $0["isr"] is [Int] })

        let table = try Hyphactl.succeed(["topics", "describe", topic])
        #expect(table.output.contains("PARTITION  LEADER"))

        let listed = try Hyphactl.succeed(["topics", "list"])
        #expect(listed.lines.first?.hasPrefix("EVENT") == true)
        #expect(listed.lines.contains { $0.hasPrefix(event) && $0.contains(topic) })

        let refused = try Hyphactl.run(["topics", "delete", event])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--yes"))
        #expect(try Hyphactl.succeed(["topics", "list"]).output.contains(topic))

        try Hyphactl.succeed(["topics", "delete", event, "--yes"])
        #expect(!(try Hyphactl.succeed(["topics", "list"]).output.contains(topic)))
    }

    @Test("describe counts messages per partition")
    func describeCounts() throws {
        let event = TestEnvironment.uniqueEvent()
        // One emit per event: Tansu's ListOffsets counts a batch of several messages as one.
        var deliveries: [[String: Any]] = []
        for _ in 0..<3 {
            deliveries += try Hyphactl.succeed(["emit", event, "same key", "-o", "json"]).jsonLines()
        }
        let partition = try #require(deliveries.first?["partition"] as? Int)
        #expect(deliveries.allSatisfy { $0["partition"] as? Int == partition })
        let document = try #require(
            try JSONSerialization.jsonObject(
                with: try Hyphactl.succeed(["topics", "describe", event, "-o", "json"]).stdout) as? [String: Any])
        let rows = try #require(document["partitions"] as? [[String: Any]])
        #expect(rows.first { $0["partition"] as? Int == partition }?["messages"] as? Int == 3)
        #expect(rows.reduce(0) { $0 + ($1["messages"] as? Int ?? 0) } == 3)
    }

    @Test("global options before the command: hyphactl -b B --timeout 5 topics list, and after wins")
    func globalOptionsFirst() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "{}"])
        let broker = try TestEnvironment.bootstrap()
        let listed = try Subprocess.run(
            try Hyphactl.binary(), ["-b", broker, "--timeout", "5", "--no-color", "topics", "list"], timeout: 60)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.output.contains("hypha_event_\(event)"))
        // Before: a closed port; after: the test broker, which wins.
        let overridden = try Subprocess.run(
            try Hyphactl.binary(), ["-b", "127.0.0.1:1", "--timeout", "2", "topics", "list", "-b", broker], timeout: 60)
        #expect(overridden.status == 0, "\(overridden.stderr)")
        #expect(overridden.output.contains("hypha_event_\(event)"))
        let failed = try Subprocess.run(
            try Hyphactl.binary(), ["-b", broker, "--timeout", "2", "topics", "list", "-b", "127.0.0.1:1"], timeout: 60)
        #expect(failed.status == 69)
    }

    @Test("a command asks for every topic's metadata once, and no connection asks for the brokers alone")
    func metadataOnce() throws {
        try Hyphactl.succeed(["emit", TestEnvironment.uniqueEvent(), "{}"])
        for command in [["topics", "list"], ["servers"], ["doctor"]] {
            let result = try Hyphactl.run(command + ["-v", "-X", "debug=metadata"])
            #expect(result.status == 0 || command == ["doctor"], "\(command): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            // Each connection asks about the probe: an invalid name, answered in a few bytes.
            #expect(!lines.contains { $0.contains("Request metadata for brokers only") }, "\(command)")
            #expect(lines.contains { $0.contains("hyphactl:brokers") && $0.contains("Invalid topic") }, "\(command)")
            // Asked of the broker the bootstrap names, never first of the bootstrap connection too.
            #expect(lines.count { $0.contains("Request metadata for all topics") } == 1, "\(command)")
        }
        // No broker can hold it, so no broker made it.
        #expect(!(try Hyphactl.succeed(["topics", "list", "--all"]).output.contains("hyphactl:brokers")))
    }

    @Test("topics delete names a missing topic and deletes nothing, not even the topics that exist")
    func deleteMissing() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["topics", "create", event, "-p", "1"])
        let result = try Hyphactl.run(["topics", "delete", event, "nosuch-\(event)", "--yes"])
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("topic hypha_event_nosuch-\(event) does not exist"), "\(result.stderr)")
        #expect(try Hyphactl.succeed(["topics", "list"]).output.contains("hypha_event_\(event) "))
    }

    @Test("an unknown topic is one line and exit 1")
    func unknownTopic() throws {
        let result = try Hyphactl.run(["topics", "describe", TestEnvironment.uniqueEvent("missing")])
        #expect(result.status == 1)
        #expect(result.stderr.contains("does not exist"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("--all lists topics that are not Hypha's")
    func listAll() throws {
        let foreign = "other-\(UUID().uuidString.prefix(8).lowercased())"
        let produced = try PythonPeer.run(
            ["raw", "--topic", foreign], stdin: Data(#"{"key": null, "value": "eA=="}"#.utf8 + [0x0A]))
        #expect(produced.status == 0, "\(produced.stderr)")
        #expect(!(try Hyphactl.succeed(["topics", "list"]).output.contains(foreign)))
        #expect(try Hyphactl.succeed(["topics", "list", "--all"]).output.contains(foreign))
    }
}
