// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

@Suite("unreachable brokers and librdkafka versions")
struct FailureTests {
    static let commands: [[String]] = [
        ["topics", "list"],
        ["topics", "describe", "test"],
        ["topics", "create", "test"],
        ["topics", "delete", "test", "--yes"],
        ["emit", "test", "{}"],
        ["tail", "test", "-e"],
        ["tail", "--all"],
        ["groups", "list"],
        ["groups", "describe", "1"],
        ["groups", "describe", "--all"],
        ["servers"],
        ["probe"],
    ]

    @Test("every command against a closed port: one line, exit 69, within --timeout + 2 s", arguments: commands)
    func unreachable(_ command: [String]) throws {
        let result = try Subprocess.run(
            try Hyphactl.binary(), command + ["-b", "127.0.0.1:1", "--timeout", "3"], timeout: 30)
        #expect(result.status == 69, "\(command): \(result.stderr)")
        #expect(result.seconds < 5, "\(command) took \(result.seconds) s")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("127.0.0.1:1"))
    }

    @Test("librdkafka 2.0.2 against a broker that sends tagged fields: one line naming the fix, exit 69")
    func taggedFieldTrap() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["LD_LIBRARY_PATH"] = nil
        let version = try Subprocess.run(try Hyphactl.binary(), ["version"], environment: environment)
        #expect(version.status == 0)
        try #require(
            version.output.contains("librdkafka 2.0.2"),
            "this test needs Debian's librdkafka 2.0.2 as the system library: \(version.output)")
        let result = try Subprocess.run(
            try Hyphactl.binary(), ["topics", "list", "-b", try TestEnvironment.bootstrap(), "--timeout", "3"],
            environment: environment, timeout: 30)
        #expect(result.status == 69)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("2.2.0"))
        #expect(result.stderr.contains("LD_LIBRARY_PATH"))
        #expect(!result.stderr.contains("%4|"))
    }

    @Test("version names hyphactl's and the loaded librdkafka's versions")
    func version() throws {
        let result = try Subprocess.run(try Hyphactl.binary(), ["version"])
        #expect(result.status == 0)
        #expect(result.lines.first?.hasPrefix("hyphactl ") == true)
        #expect(result.output.contains("librdkafka 2."))
        #expect(result.output.contains("built against 2.0.2"))
    }
}
