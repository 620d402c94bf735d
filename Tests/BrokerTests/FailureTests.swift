// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import RDKafkaMock
import TestSupport
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

    @Test("doctor with librdkafka 2.0.2: a failed check with the fix where it fails, none where it works")
    func doctorJudgesByWhatHappens() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["LD_LIBRARY_PATH"] = nil
        let version = try Subprocess.run(try Hyphactl.binary(), ["version"], environment: environment)
        try #require(
            version.output.contains("librdkafka 2.0.2"),
            "this test needs Debian's librdkafka 2.0.2 as the system library: \(version.output)")
        #expect(!version.output.contains("note"), "no warning on the version alone: \(version.output)")

        // Tansu writes every ApiVersions tagged field: 2.0.2 fails, and doctor says why.
        let trapped = try Subprocess.run(
            try Hyphactl.binary(), ["doctor", "-b", try TestEnvironment.bootstrap(), "--timeout", "3"],
            environment: environment, timeout: 60)
        #expect(trapped.status == 1)
        let check = try #require(trapped.lines.first { $0.contains("librdkafka") && !$0.contains("→") })
        #expect(check.hasPrefix("fail"), "\(trapped.output)")
        #expect(check.contains("Read underflow"))
        #expect(trapped.output.contains("LD_LIBRARY_PATH"))

        // librdkafka's mock cluster writes none (as Apache Kafka writes none it need not):
        // 2.0.2 works, and doctor does not warn about it.
        let cluster = try MockKafkaCluster(brokers: 1)
        let fine = try Subprocess.run(
            try Hyphactl.binary(), ["doctor", "-b", cluster.bootstrapServers, "--timeout", "3"],
            environment: environment, timeout: 60)
        let line = try #require(fine.lines.first { $0.contains("librdkafka") }, "\(fine.output)\(fine.stderr)")
        #expect(line.hasPrefix("ok"), "\(fine.output)")
        #expect(line.contains("2.0.2 loaded"))
        #expect(fine.lines.contains { $0.hasPrefix("ok") && $0.contains("brokers") }, "\(fine.output)")
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
