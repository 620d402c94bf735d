// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaKafkaAdmin
import Testing

@testable import hyphactl

@Suite("reading and resetting by time on the command line")
struct ReadingByTimeTests {
    @Test("reset-offsets --by-duration: the first message of the last DURATION")
    func byDuration() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let command = try #require(
            try HyphaCtl.parseAsRoot(["groups", "reset-offsets", "1", "--by-duration", "15m"]) as? GroupsResetOffsets)
        #expect(command.target(now: now) == .time(millis: 1_800_000_000_000 - 900_000))
        #expect(!command.execute)
        let long = try #require(
            try HyphaCtl.parseAsRoot(["groups", "reset-offsets", "1", "--by-duration", "1h30m", "--execute"])
                as? GroupsResetOffsets)
        #expect(long.target(now: now) == .time(millis: 1_800_000_000_000 - 5_400_000) && long.execute)
    }

    @Test(
        "bad --by-duration, --until, --type and --max-lag-seconds are usage errors (exit 64)",
        arguments: [
            ["groups", "reset-offsets", "1", "--by-duration", "soon"],
            ["groups", "reset-offsets", "1", "--by-duration", "-5m"],
            ["groups", "reset-offsets", "1", "--by-duration", "5m", "--to-earliest"],
            ["groups", "reset-offsets", "1", "--by-duration", "5m", "--to-datetime", "1h"],
            ["tail", "x", "--until", "tomorrow-ish"],
            ["tail", "x", "--since", "5m", "--until", "10m"],
            ["tail", "x", "--type", "x"],
            ["servers", "--max-lag-seconds", "-1"],
            ["groups", "describe", "1", "--max-lag-seconds", "many"],
            ["groups", "describe", "1", "--watch", "--max-lag-seconds", "5"],
        ])
    func usageErrors(_ arguments: [String]) {
        do {
            _ = try HyphaCtl.parseAsRoot(arguments)
            Issue.record("\(arguments) parsed")
        } catch {
            #expect(HyphaCtl.exitCode(for: error) == ExitCode(64), "\(arguments)")
        }
    }

    @Test("tail --until and --type: parsed; --since before --until")
    func tail() throws {
        let command = try #require(
            try HyphaCtl.parseAsRoot([
                "tail", "x", "--since", "10m", "--until", "5m", "-e", "--type", "d", "--type", "s", "-p", "1",
            ]) as? TailCommand)
        #expect(command.until == "5m" && command.since == "10m" && command.exitAtEnd)
        #expect(command.types == [.d, .s] && command.partition == 1)
    }
}
