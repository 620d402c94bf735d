// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// `tail --since/--until/--type` on events whose timestamps the producer set
/// (300, 200 and 100 s ago, one per produce request, all in partition 0), and
/// `groups reset-offsets --by-duration`.
@Suite("reading and resetting by time against the test broker")
struct ReadingByTimeBrokerTests {
    private struct Stamped {
        let event: String
        let now: Int64
    }

    private static func iso(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// `a` (d:, 300 s ago), `b` (s:, 200 s ago), `c` (d:, 100 s ago).
    private func stampedEvents() throws -> Stamped {
        let event = TestEnvironment.uniqueEvent("bytime")
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let records: [(String, String, Int64)] = [
            ("d", #"{"v":"a"}"#, now - 300_000), ("s", "b", now - 200_000), ("d", #"{"v":"c"}"#, now - 100_000),
        ]
        let lines = records.map { type, value, stamp in
            #"{"key":"\#(type):\#(event)","value":"\#(Data(value.utf8).base64EncodedString())","partition":0,"timestamp_ms":\#(stamp)}"#
        }
        let produced = try PythonPeer.run(
            ["raw", "--topic", "hypha_event_\(event)"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        try #require(produced.status == 0, "\(produced.stderr)")
        return Stamped(event: event, now: now)
    }

    /// The `data` of each event `tail ARGS -f jsonl` printed, as text.
    private func tailed(_ arguments: [String]) throws -> [String] {
        let result = try Hyphactl.succeed(["tail"] + arguments + ["-f", "jsonl"], timeout: 30)
        return try result.jsonLines().map { line in
            if let object = line["data"] as? [String: Any] { return object["v"] as? String ?? "?" }
            return line["data"] as? String ?? "?"
        }
    }

    @Test("tail --until with -e: up to the time; with --since: a window; ISO-8601 and ages")
    func until() throws {
        let stamped = try stampedEvents()
        let event = stamped.event
        let between = Self.iso(stamped.now - 150_000)
        #expect(try tailed([event, "--from-beginning", "--until", between, "-e"]) == ["a", "b"])
        #expect(
            try tailed([
                event, "--since", Self.iso(stamped.now - 250_000), "--until", Self.iso(stamped.now - 50_000), "-e",
            ])
                == ["b", "c"])
        #expect(try tailed([event, "--since", "250s", "--until", "150s", "-e"]) == ["b"])
        #expect(try tailed([event, "--from-beginning", "--until", Self.iso(stamped.now - 400_000), "-e"]).isEmpty)
        #expect(try tailed([event, "--from-beginning", "--until", "1h", "-e", "-p", "0"]).isEmpty)
    }

    @Test("tail --until without -e: ends by itself once every partition is past the time")
    func untilFollowing() throws {
        let stamped = try stampedEvents()
        let started = Date()
        #expect(try tailed([stamped.event, "--from-beginning", "--until", "150s"]) == ["a", "b"])
        #expect(Date().timeIntervalSince(started) < 20)
    }

    @Test("tail --type: only events of those key types; -n counts only them")
    func types() throws {
        let event = try stampedEvents().event
        #expect(try tailed([event, "--from-beginning", "-e", "--type", "d"]) == ["a", "c"])
        #expect(try tailed([event, "--from-beginning", "-e", "--type", "s"]) == ["b"])
        #expect(try tailed([event, "--from-beginning", "-e", "--type", "s", "--type", "d"]) == ["a", "b", "c"])
        #expect(try tailed([event, "--from-beginning", "-e", "--type", "b"]).isEmpty)
        #expect(try tailed([event, "--from-beginning", "-n", "1", "--type", "s"]) == ["b"])
    }

    /// Tansu's ListOffsets by timestamp did not find events by the timestamps a
    /// producer set in the past, so this test spaces its events in real time.
    @Test("reset-offsets --by-duration: a dry run, then --execute; the same offsets as --to-datetime")
    func byDuration() throws {
        let event = TestEnvironment.uniqueEvent("bytime")
        let server = "bytime-\(event)"
        for text in ["a", "b"] { try Hyphactl.succeed(["emit", event, text]) }
        Thread.sleep(forTimeInterval: 1.2)
        let between = Date()
        Thread.sleep(forTimeInterval: 0.3)
        try Hyphactl.succeed(["emit", event, "c"])
        let read = try PythonPeer.run([
            "consume", "--server-id", server, "--events", event, "--count", "3", "--from-beginning", "--no-join",
        ])
        try #require(read.status == 0, "\(read.stderr)")
        /// The reset of the partition that holds the events (the group committed 3 there).
        func plan(_ arguments: [String]) throws -> (document: [String: Any], busy: [String: Any]) {
            let result = try Hyphactl.run(["groups", "reset-offsets", server] + arguments + ["-o", "json"])
            try #require(result.status == 0, "\(arguments): \(result.stderr)")
            let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
            let partitions = try #require(document["partitions"] as? [[String: Any]])
            return (document, try #require(partitions.first { $0["current"] as? Int == 3 }, "\(partitions)"))
        }
        func sinceBetween() -> String { "\(Int(Date().timeIntervalSince(between) * 1000))ms" }

        let dry = try plan(["--by-duration", sinceBetween()])
        #expect(dry.document["executed"] as? Bool == false)
        #expect(dry.busy["new"] as? Int == 2, "the first event of the last DURATION: \(dry.busy)")
        #expect(try plan(["--by-duration", "1h"]).busy["new"] as? Int == 0)
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(try plan(["--to-datetime", iso.string(from: between)]).busy["new"] as? Int == 2)

        let done = try plan(["--by-duration", sinceBetween(), "--execute"])
        #expect(done.document["executed"] as? Bool == true && done.busy["new"] as? Int == 2)
        let described = try Hyphactl.succeed(["groups", "describe", server, "-o", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: described.stdout) as? [String: Any])
        #expect(document["total_lag"] as? Int == 1)
    }
}
