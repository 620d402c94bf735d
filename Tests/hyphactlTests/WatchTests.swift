// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import Testing

@testable import hyphactl

@Suite("--watch: options and frames")
struct WatchTests {
    @Test(
        "--interval takes 2s, 500ms, 1m and plain seconds",
        arguments: [("2s", 2000), ("500ms", 500), ("1m", 60_000), ("1.5", 1500), ("3", 3000), ("0.5s", 500)]
            as [(
                String, Int64
            )])
    func intervals(_ text: String, _ milliseconds: Int64) throws {
        let command = try #require(
            try HyphaCtl.parseAsRoot(["servers", "--watch", "--interval", text]) as? ServersCommand)
        #expect(command.watching.every == .milliseconds(milliseconds))
        let describe = try #require(
            try HyphaCtl.parseAsRoot(["groups", "describe", "1", "--watch", "--interval", text]) as? GroupsDescribe)
        #expect(describe.watching.every == .milliseconds(milliseconds))
    }

    @Test("without --interval a watch refreshes every 2 s")
    func defaultInterval() throws {
        let command = try #require(try HyphaCtl.parseAsRoot(["servers", "--watch"]) as? ServersCommand)
        #expect(command.watching.watch && command.watching.every == .seconds(2) && command.watching.count == nil)
    }

    @Test(
        "a malformed or too short --interval, and options that do not go with --watch, are usage errors",
        arguments: [
            ["servers", "--watch", "--interval", "soon"],
            ["servers", "--watch", "--interval", "2h"], ["servers", "--watch", "--interval", "3601s"],
            ["servers", "--watch", "--interval", "-1s"],
            ["servers", "--watch", "--interval", ""],
            ["servers", "--watch", "--interval", "100ms"],
            ["servers", "--watch", "--interval", "0.2"],
            ["servers", "--watch", "--interval", "0"],
            ["servers", "--watch", "--check"],
            ["servers", "--watch", "--count", "0"],
            ["servers", "--interval", "2s"],
            ["servers", "--count", "3"],
            ["groups", "describe", "1", "--watch", "--interval", "1x"],
            ["groups", "describe", "1", "--watch", "--interval", "499ms"],
            ["groups", "describe", "1", "--watch", "--max-lag", "5"],
            ["groups", "describe", "1", "--interval", "2s"],
        ])
    func usageErrors(_ arguments: [String]) {
        let error: any Error
        do {
            _ = try HyphaCtl.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
            return
        } catch let caught {
            error = caught
        }
        #expect(HyphaCtl.exitCode(for: error) == ExitCode(64))
    }

    @Test("a frame starts at the top left, clears each line's rest and what is below, and never scrolls")
    func frame() {
        let frame = WatchScreen.frame("a\nbb\n", rows: 24)
        #expect(frame == "\u{1B}[Ha\u{1B}[K\nbb\u{1B}[K\n\u{1B}[J")
        #expect(!frame.contains("\u{1B}[2J"), "no whole-screen clear: it flickers")
        let tall = WatchScreen.frame((1...50).map(String.init).joined(separator: "\n"), rows: 10)
        #expect(tall.components(separatedBy: "\n").count - 1 == 9)
        #expect(WatchScreen.enter.contains("\u{1B}[?1049h") && WatchScreen.enter.contains("\u{1B}[?25l"))
        #expect(WatchScreen.leave.contains("\u{1B}[?1049l") && WatchScreen.leave.contains("\u{1B}[?25h"))
    }

    @Test("the header says what, how often and when; how to stop on every frame but the last, which stays")
    func header() {
        #expect(
            WatchScreen.header("hyphactl servers", every: .milliseconds(500), nowMillis: 0)
                == "hyphactl servers, every 500ms, at 1970-01-01T00:00:00.000Z (Ctrl-C to quit)\n\n")
        #expect(
            WatchScreen.header("hyphactl servers", every: .seconds(2), nowMillis: 0, last: true)
                == "hyphactl servers, every 2s, at 1970-01-01T00:00:00.000Z\n\n")
    }

    private static let chat = TopicPartition(topic: "hypha_event_chat", partition: 0)

    private static func watched(status lag: Int64, reading: LagReading?) -> WatchedServer {
        WatchedServer(
            report: ServerReport(
                serverID: "1", state: "Stable", members: 1, totalLag: lag, lastHealthCheckMillis: 9_000,
                nowMillis: 10_000, limits: ServerLimits()),
            reading: reading)
    }

    @Test("servers as one JSON line: a timestamp, each server's lag with its change and trend, the moving topics")
    func serversJSON() throws {
        let server = Self.watched(status: 12, reading: LagReading(trend: .growing, change: 5, stalled: false))
        let rates = [
            EventRate(event: "chat", topic: "hypha_event_chat", perSecond: 2.5),
            EventRate(event: "idle", topic: "hypha_event_idle", perSecond: 0),
        ]
        let line = WatchRendering.servers(
            [server], rates: rates, as: .json, nowMillis: 10_000, style: Style(enabled: false))
        #expect(line.hasSuffix("\n") && line.dropLast().split(separator: "\n").count == 1)
        #expect(line.hasPrefix(#"{"timestamp":"1970-01-01T00:00:10.000Z","servers":[{"server_id":"1""#))
        #expect(
            line.contains(
                #""total_lag":12,"lag_change":5,"trend":"growing","max_lag_seconds":null,"max_lag_seconds_unknown":null,"lag_seconds_change":null,"last_health_check""#
            ))
        #expect(line.contains(#""event_rates":[{"event":"chat","topic":"hypha_event_chat","events_per_second":2.5}]"#))
        let first = WatchRendering.servers(
            [Self.watched(status: 12, reading: nil)], rates: nil, as: .json, nowMillis: 10_000,
            style: Style(enabled: false))
        #expect(first.contains(#""lag_change":null,"trend":null"#) && first.contains(#""event_rates":null"#))
    }

    @Test("servers as a table: TREND beside TOTAL-LAG, then the busiest event topics")
    func serversTable() {
        let server = Self.watched(status: 12, reading: LagReading(trend: .shrinking, change: -3, stalled: false))
        let rates = (0..<12).map { EventRate(event: "e\($0)", topic: "hypha_event_e\($0)", perSecond: Double(12 - $0)) }
        let text = WatchRendering.servers(
            [server], rates: rates, as: .table, nowMillis: 10_000, style: Style(enabled: false))
        #expect(text.contains("TOTAL-LAG  TREND         LAG-TIME  LAST-HEALTH-CHECK"))
        #expect(text.contains("12         shrinking -3  -         1s ago"))
        #expect(text.contains("EVENT  EVENTS/S  TOPIC\ne0     12.0      hypha_event_e0\n"))
        #expect(!text.contains("hypha_event_e10"))
        #expect(text.contains("and 2 more event topics"))
    }

    @Test("a stalled server says so")
    func stalledStatus() {
        let server = Self.watched(status: 12, reading: LagReading(trend: .growing, change: 1, stalled: true))
        let stalled = WatchedServer(report: server.report.stalled(), reading: server.reading)
        let text = WatchRendering.servers(
            [stalled], rates: [], as: .table, nowMillis: 10_000, style: Style(enabled: false))
        #expect(text.contains("growing +1  -         1s ago             stalled"))
        #expect(text.contains("no events since the last refresh"))
    }

    @Test("groups: the describe document with trend, stalled and the rates of the group's topics")
    func groups() {
        let lag = GroupLag(
            group: "hypha_server_1", state: "Stable", coordinator: nil, members: [], committed: [Self.chat: 3],
            ends: [Self.chat: 5])
        let watched = WatchedGroup(lag: lag, reading: LagReading(trend: .steady, change: 0, stalled: false))
        let rates = [
            EventRate(event: "chat", topic: "hypha_event_chat", perSecond: 0.25),
            EventRate(event: "other", topic: "hypha_event_other", perSecond: 9),
        ]
        let line = WatchRendering.groups([watched], rates: rates, as: .json, nowMillis: 0)
        #expect(line.hasPrefix(#"{"timestamp":"1970-01-01T00:00:00.000Z","groups":[{"group":"hypha_server_1""#))
        #expect(
            line.contains(
                #""total_lag":2,"max_lag_seconds":null,"max_lag_seconds_unknown":null,"lag_change":0,"trend":"steady","lag_seconds_change":null,"stalled":false,"event_rates":[{"event":"chat","topic":"hypha_event_chat","events_per_second":0.25}]"#
            ))
        let text = WatchRendering.groups([watched], rates: rates, as: .table, nowMillis: 0)
        #expect(text.contains("TOTAL LAG    2\nMAX LAG-TIME -\nTREND        steady\n"))
        #expect(
            text.contains("chat   0.2       hypha_event_chat") || text.contains("chat   0.3       hypha_event_chat"))
        #expect(!text.contains("hypha_event_other"))
    }

    @Test("rates read as people and as JSON numbers")
    func numbers() {
        #expect(WatchRendering.decimal(2.5) == "2.5")
        #expect(WatchRendering.decimal(1.0 / 3) == "0.333")
        #expect(WatchRendering.decimal(0) == "0")
        #expect(WatchRendering.perSecond(0.01) == "<0.1")
        #expect(WatchRendering.perSecond(12) == "12.0")
    }
}
