// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Topics that appear while tail follows: globs and --all pick them up, a named
/// event's missing topic is waited for (and is an error with -e).
@Suite("tail picks up topics that appear while it follows")
struct TailDiscoveryTests {
    @Test("tail 'GLOB' -f reads a matching topic created after it started, from its first event")
    func glob() throws {
        let prefix = TestEnvironment.uniqueEvent("disc")
        let tail = try RunningCommand(["tail", "\(prefix)-*", "-f", "jsonl", "-b", try TestEnvironment.bootstrap()])
        try Self.waitUntilReading(tail, event: "\(prefix)-old")
        let created = Date()
        try Hyphactl.succeed(["emit", "\(prefix)-new", "first"])
        let line = Self.nextLine(of: tail, containing: "\(prefix)-new", within: 30)
        #expect(line?.contains(#""data":"first""#) == true, "\(line ?? "nothing within 30 s")")
        #expect(line?.contains(#""offset":0"#) == true)
        print("tail glob: a new topic's first event shown \(Date().timeIntervalSince(created)) s after it was sent")
        tail.signal(SIGINT)
        let end = try #require(tail.finish(timeout: 20))
        #expect(end.status == 0, "\(end.stderr)")
    }

    @Test("tail 'GLOB' -f with nothing matching yet: one line on stderr, then the first match")
    func globWithoutMatch() throws {
        let prefix = TestEnvironment.uniqueEvent("disc")
        let tail = try RunningCommand(["tail", "\(prefix)-*", "-f", "jsonl", "-b", try TestEnvironment.bootstrap()])
        try Self.waitUntilWaiting(tail)
        try Hyphactl.succeed(["emit", "\(prefix)-late", "here"])
        let line = Self.nextLine(of: tail, containing: "\(prefix)-late", within: 30)
        #expect(line?.contains(#""data":"here""#) == true, "\(line ?? "nothing within 30 s")")
        tail.signal(SIGINT)
        let end = try #require(tail.finish(timeout: 20))
        #expect(end.status == 0)
        let lines = end.stderr.split(separator: "\n")
        #expect(lines == ["hyphactl: no event topic matches '\(prefix)-*' yet; waiting for one"], "\(end.stderr)")
    }

    @Test("tail --all -f reads an event topic created after it started")
    func all() throws {
        let prefix = TestEnvironment.uniqueEvent("disc")
        let tail = try RunningCommand(["tail", "--all", "-f", "jsonl", "-b", try TestEnvironment.bootstrap()])
        try Self.waitUntilReading(tail, event: "\(prefix)-old")
        try Hyphactl.succeed(["emit", "\(prefix)-new", "first"])
        let line = Self.nextLine(of: tail, containing: "\(prefix)-new", within: 30)
        #expect(line?.contains(#""data":"first""#) == true, "\(line ?? "nothing within 30 s")")
        tail.signal(SIGINT)
        #expect(try #require(tail.finish(timeout: 20)).status == 0)
    }

    @Test("tail EVENT -f waits for its topic, saying so once; with -e a missing topic is an error")
    func namedMissing() throws {
        let event = TestEnvironment.uniqueEvent("disc")
        let failed = try Hyphactl.run(["tail", event, "-e"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("does not exist"), "\(failed.stderr)")

        let tail = try RunningCommand(["tail", event, "-f", "jsonl", "-b", try TestEnvironment.bootstrap()])
        try Self.waitUntilWaiting(tail)
        try Hyphactl.succeed(["emit", event, "at last"])
        let line = Self.nextLine(of: tail, containing: event, within: 30)
        #expect(line?.contains(#""data":"at last""#) == true, "\(line ?? "nothing within 30 s")")
        tail.signal(SIGINT)
        let end = try #require(tail.finish(timeout: 20))
        #expect(end.status == 0)
        #expect(
            end.stderr.split(separator: "\n") == [
                "hyphactl: topic hypha_event_\(event) (event \(event)) does not exist yet; waiting for it"
            ], "\(end.stderr)")
    }

    /// Until `tail` says it waits for a topic: only then is one created, so that
    /// it is sure to appear while tail follows.
    private static func waitUntilWaiting(_ tail: RunningCommand) throws {
        try #require(
            tail.stderr(contains: "; waiting for", within: 30), "tail never said it waits: \(tail.stderrSoFar())")
    }

    /// Sends events to `event` until `tail` shows one: it has started reading.
    private static func waitUntilReading(_ tail: RunningCommand, event: String) throws {
        for _ in 0..<20 {
            try Hyphactl.succeed(["emit", event, "ready"])
            if nextLine(of: tail, containing: event, within: 2) != nil { return }
        }
        Issue.record("tail showed none of the events sent to \(event)")
    }

    /// The next line of `tail` that mentions `text`, skipping others (the broker is shared).
    private static func nextLine(of tail: RunningCommand, containing text: String, within seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let line = tail.nextLine(timeout: deadline.timeIntervalSinceNow) else { return nil }
            if line.contains(text) { return line }
        }
        return nil
    }
}
