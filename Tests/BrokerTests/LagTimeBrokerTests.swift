// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Lag time against a server that stopped with events behind it: the event at
/// its committed offset has a timestamp the producer set, and its lag time is
/// `now − that timestamp`, growing with the wall clock. One event per produce
/// request, so Tansu's batch miscount cannot change the offsets.
@Suite("lag time against the test broker", .serialized)
struct LagTimeBrokerTests {
    /// Milliseconds since the epoch.
    private static func millis(_ date: Date = Date()) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    /// A stopped server whose partition 0 of its event's topic holds three events
    /// stamped 300, 200 and 100 s ago, and whose committed offset there is 1:
    /// its oldest unhandled event is the one of 200 s ago.
    private func stoppedServerBehind() throws -> (server: String, topic: String, stamp: Int64) {
        let event = TestEnvironment.uniqueEvent("lagtime")
        let topic = "hypha_event_\(event)"
        let now = Self.millis()
        let stamps = [now - 300_000, now - 200_000, now - 100_000]
        let lines = stamps.enumerated().map { index, stamp in
            #"{"key":"s:\#(event)","value":"\#(Data("event \(index)".utf8).base64EncodedString())","partition":0,"timestamp_ms":\#(stamp)}"#
        }
        let produced = try PythonPeer.run(
            ["raw", "--topic", topic], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        try #require(produced.status == 0, "\(produced.stderr)")
        let server = "behind-\(event)"
        let read = try PythonPeer.run([
            "consume", "--server-id", server, "--events", event, "--count", "3", "--from-beginning", "--no-join",
        ])
        try #require(read.status == 0, "\(read.stderr)")
        try Hyphactl.succeed(["groups", "reset-offsets", server, "--to-offset", "1", "--execute"])
        return (server, topic, stamps[1])
    }

    /// `groups describe -o json` with the wall clock before and after it.
    private func describe(_ server: String) throws -> (document: [String: Any], before: Int64, after: Int64) {
        let before = Self.millis()
        let result = try Hyphactl.succeed(["groups", "describe", server, "-o", "json"])
        let after = Self.millis()
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        return (document, before, after)
    }

    /// Whether `seconds` is `now − stamp` for a now between `before` and `after`, give or take a second.
    private func isAge(_ seconds: Double?, of stamp: Int64, before: Int64, after: Int64) -> Bool {
        guard let seconds else { return false }
        let millis = seconds * 1000
        return millis >= Double(before - stamp - 1000) && millis <= Double(after - stamp + 1000)
    }

    @Test("groups describe: the committed event's age, growing with the wall clock; 0 where caught up")
    func describeGrows() throws {
        let (server, topic, stamp) = try stoppedServerBehind()
        var previous: Double?
        for _ in 0..<2 {
            let (document, before, after) = try describe(server)
            let partitions = try #require(document["partitions"] as? [[String: Any]])
            let busy = try #require(
                partitions.first { $0["topic"] as? String == topic && $0["partition"] as? Int == 0 })
            #expect(busy["lag"] as? Int == 2)
            let seconds = busy["lag_seconds"] as? Double
            #expect(
                isAge(seconds, of: stamp, before: before, after: after), "lag_seconds \(String(describing: seconds))")
            #expect(document["max_lag_seconds"] as? Double == seconds)
            for other in partitions where other["partition"] as? Int != 0 {
                #expect(other["lag_seconds"] as? Double == 0, "caught up: \(other)")
            }
            if let previous, let seconds { #expect(seconds >= previous + 2, "grows as time passes") }
            previous = seconds
            // The next look at least 3 s of wall clock later.
            let next = Date().addingTimeInterval(3)
            while Date() < next { Thread.sleep(forTimeInterval: 0.2) }
        }

        let table = try Hyphactl.succeed(["groups", "describe", server])
        #expect(table.output.contains("LAG-TIME"))
        #expect(table.output.contains("MAX LAG-TIME 3m\n"), "200 s as an age: \(table.output)")

        #expect(try Hyphactl.run(["groups", "describe", server, "--max-lag-seconds", "100000"]).status == 0)
        let over = try Hyphactl.run(["groups", "describe", server, "--max-lag-seconds", "150"])
        #expect(over.status == 3)
        #expect(over.stderr.contains("hypha_server_\(server) (3m)") && over.stderr.contains("--max-lag-seconds 150"))

        // Back to the first event: now the one of 300 s ago waits.
        try Hyphactl.succeed(["groups", "reset-offsets", server, "--to-offset", "0", "--execute"])
        let (document, before, after) = try describe(server)
        #expect(isAge(document["max_lag_seconds"] as? Double, of: stamp - 100_000, before: before, after: after))
        // Caught up everywhere: 0.
        try Hyphactl.succeed(["groups", "reset-offsets", server, "--to-latest", "--execute"])
        #expect(try describe(server).document["max_lag_seconds"] as? Double == 0)
    }

    @Test("servers: the server's lag time, and --max-lag-seconds exits 3 and makes it lagging")
    func servers() throws {
        let (server, _, stamp) = try stoppedServerBehind()
        let before = Self.millis()
        let result = try Hyphactl.succeed(["servers", "-o", "json"])
        let after = Self.millis()
        let reports = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]])
        let report = try #require(reports.first { $0["server_id"] as? String == server })
        #expect(isAge(report["max_lag_seconds"] as? Double, of: stamp, before: before, after: after), "\(report)")
        #expect(report["max_lag_seconds_unknown"] is NSNull)

        let over = try Hyphactl.run(["servers", "--max-lag-seconds", "150", "-o", "json"])
        #expect(over.status == 3, "\(over.stderr)")
        #expect(over.stderr.contains("over --max-lag-seconds 150"))
        let judged = try #require(try JSONSerialization.jsonObject(with: over.stdout) as? [[String: Any]])
        let lagging = judged.first { $0["server_id"] as? String == server }
        // gone (an empty group without health checks) says more than lagging, and stays.
        #expect(lagging?["status"] as? String == "gone")
        #expect(try Hyphactl.succeed(["servers"]).output.contains("LAG-TIME"))
    }

    @Test("exporter: kafka_consumergroup_lag_seconds and hypha_server_lag_seconds")
    func exporter() throws {
        let (server, topic, stamp) = try stoppedServerBehind()
        let (exporter, url) = try ExporterTests.startExporter(["--min-interval", "0s"])
        defer { ExporterTests.stop(exporter) }
        let before = Self.millis()
        let scrape = try ExporterTests.scrape(url)
        let after = Self.millis()
        let group = "hypha_server_\(server)"
        let busy = scrape.value(
            "kafka_consumergroup_lag_seconds", ["consumergroup": group, "topic": topic, "partition": "0"])
        #expect(isAge(busy, of: stamp, before: before, after: after), "\(String(describing: busy))")
        #expect(
            scrape.value("kafka_consumergroup_lag_seconds", ["consumergroup": group, "topic": topic, "partition": "1"])
                == 0)
        let serverLag = scrape.value("hypha_server_lag_seconds", ["server_id": server])
        #expect(isAge(serverLag, of: stamp, before: before, after: after), "\(String(describing: serverLag))")

        // The exporter keeps the records it read; a committed offset that moved
        // is read afresh, and one that did not still ages with the wall clock.
        try Hyphactl.succeed(["groups", "reset-offsets", server, "--to-offset", "0", "--execute"])
        for _ in 0..<2 {
            let before = Self.millis()
            let again = try ExporterTests.scrape(url)
            let after = Self.millis()
            let moved = again.value(
                "kafka_consumergroup_lag_seconds", ["consumergroup": group, "topic": topic, "partition": "0"])
            #expect(isAge(moved, of: stamp - 100_000, before: before, after: after), "\(String(describing: moved))")
        }
    }
}
