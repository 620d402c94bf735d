// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Contexts and secrets, doctor, completion from the broker, pipes, exit codes
/// (the committed completion scripts and man pages: hyphactlTests).
@Suite("the operator's everyday")
struct OperatorTests {
    static let secret = "s3cr3t-\(UUID().uuidString.prefix(8))"

    /// A config file with two contexts; `test` points at the test broker, with a
    /// secret from the environment in a property librdkafka accepts.
    private func config() throws -> (path: String, environment: [String: String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hyphactl-\(UUID().uuidString).yaml")
            .path
        try """
        # clusters of the test
        current-context: test
        contexts:
          test:
            bootstrap-servers: \(try TestEnvironment.bootstrap())
            properties:
              client.rack: rack-1
            secrets:
              sasl.password: {env: TEST_KAFKA_PASSWORD}
          broken:
            bootstrap-servers: \(try TestEnvironment.bootstrap())
            secrets:
              acks: {env: TEST_KAFKA_PASSWORD}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["HYPHACTL_CONFIG"] = path
        environment["TEST_KAFKA_PASSWORD"] = Self.secret
        environment["HYPHA_KAFKA_URI"] = nil
        return (path, environment)
    }

    private func hyphactl(_ arguments: [String], _ environment: [String: String], stdin: Data? = nil) throws
        -> ProcessResult
    {
        try Subprocess.run(try Hyphactl.binary(), arguments, stdin: stdin, environment: environment)
    }

    @Test("config view shows *** for a secret from the environment; get-contexts and use-context")
    func contexts() throws {
        let (path, environment) = try config()
        let view = try hyphactl(["config", "view"], environment)
        #expect(view.status == 0)
        #expect(view.output.contains("value: \"***\""))
        #expect(view.output.contains("env: TEST_KAFKA_PASSWORD"))
        #expect(!view.output.contains(Self.secret))

        let listed = try hyphactl(["config", "get-contexts"], environment)
        #expect(listed.lines.contains { $0.hasPrefix("*") && $0.contains("test") })
        #expect(try hyphactl(["config", "use-context", "broken"], environment).status == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix("# clusters of the test\ncurrent-context: broken\n"))
        #expect(try hyphactl(["config", "use-context", "nope"], environment).status == 1)
        #expect(try hyphactl(["config", "use-context", "test"], environment).status == 0)
    }

    @Test("a secret's value appears in no output of any command: results, -v and librdkafka's debug lines, errors")
    func secretsNeverShown() throws {
        let (_, environment) = try config()
        let event = TestEnvironment.uniqueEvent()
        let secretFile = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
            .path
        try Self.secret.write(toFile: secretFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: secretFile) }
        let spec = FileManager.default.temporaryDirectory.appendingPathComponent("spec-\(UUID().uuidString).yaml").path
        try """
        apiVersion: hyphactl/v1
        kind: HyphaDeployment
        name: demo
        namespace: hypha
        hypha:
          image: ghcr.io/amun-ai/hypha:0.21.137
          replicas: 1
          secretEnv:
            HYPHA_JWT_SECRET: {secret: hypha-secrets, key: jwt}
        kafka: {mode: bundled, flavor: kraft, image: apache/kafka:3.9.1, brokers: 1}

        """.write(toFile: spec, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: spec) }
        let literal = spec + ".literal.yaml"
        try String(contentsOfFile: spec, encoding: .utf8)
            .replacingOccurrences(
                of: "  secretEnv:\n    HYPHA_JWT_SECRET: {secret: hypha-secrets, key: jwt}",
                with: "  env: {HYPHA_JWT_SECRET: \(Self.secret)}"
            )
            .write(toFile: literal, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: literal) }
        // The secret also on the command line, as -X, where a runbook might put it.
        let onCommandLine = ["-X", "sasl.password=\(Self.secret)"]
        let runs: [[String]] = [
            ["config", "view"],
            ["config", "get-contexts"],
            ["config", "get-contexts", "-o", "json"],
            ["config", "use-context", "test"],
            ["version"],
            ["topics", "list", "-v", "-X", "debug=conf,broker,security"],
            ["topics", "list", "--all", "-o", "json"] + onCommandLine,
            ["topics", "create", event, "-v"] + onCommandLine,
            ["topics", "describe", event, "-v", "-o", "json"],
            ["emit", event, "x", "-v", "-X", "debug=all"],
            ["emit", event, "--lines", "-o", "json", "-v"] + onCommandLine,
            ["tail", event, "--from-beginning", "-e", "-v"],
            ["tail", event, "--from-beginning", "-e", "-f", "jsonl", "-v"] + onCommandLine,
            ["groups", "list", "--all", "-v", "-X", "debug=cgrp,conf"],
            ["groups", "describe", "nobody-\(event)", "-v"] + onCommandLine,
            ["servers", "-v", "-o", "json"],
            ["probe", "--count", "2", "-v"] + onCommandLine,
            ["doctor", "-v"],
            ["doctor", "-v", "-o", "json"] + onCommandLine,
            ["generate", "compose", "-f", spec],
            ["generate", "k8s", "-f", spec],
            ["generate", "k8s", "-f", literal],
            ["topics", "delete", event, "--yes", "-v"] + onCommandLine,
            ["topics", "list", "--context", "broken"],
            ["emit", event, "x", "--context", "broken", "-v"],
            ["topics", "list", "-b", "127.0.0.1:1", "--timeout", "1", "-v", "-X", "debug=all"],
            ["tail", event, "-b", "127.0.0.1:1", "--timeout", "1", "-v"] + onCommandLine,
            ["emit", event, "x", "-b", "127.0.0.1:1", "--timeout", "1", "-v"] + onCommandLine,
            ["topics", "list", "-X", "sasl.password"],
            ["--generate-completion-script", "bash"],
        ]
        var shell = environment
        // Generate sees the secret in its environment, as it would in a shell that has it.
        shell["HYPHA_JWT_SECRET"] = Self.secret
        // The same secret read from a file by a context of its own.
        let fileConfig = secretFile + ".yaml"
        try """
        current-context: file
        contexts:
          file:
            bootstrap-servers: \(try TestEnvironment.bootstrap())
            secrets:
              sasl.password: {file: \(secretFile)}

        """.write(toFile: fileConfig, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: fileConfig) }
        var fromFile = environment
        fromFile["HYPHACTL_CONFIG"] = fileConfig
        let fileRuns: [[String]] = [
            ["config", "view"], ["topics", "list", "-v", "-X", "debug=conf,security"], ["doctor", "-v"],
        ]
        for (run, environment) in runs.map({ ($0, shell) }) + fileRuns.map({ ($0, fromFile) }) {
            let result = try hyphactl(run, environment, stdin: Data("{\"a\": 1}\n".utf8))
            #expect(!result.output.contains(Self.secret), "\(run): the secret is on stdout")
            #expect(!result.stderr.contains(Self.secret), "\(run): the secret is on stderr")
            #expect(result.status != 139 && result.status != 134, "\(run) crashed")
        }
        let broken = try hyphactl(["topics", "list", "--context", "broken"], environment)
        #expect(broken.status == 65)
        #expect(broken.stderr.contains("librdkafka property acks"))
        let literalSecret = try hyphactl(["generate", "k8s", "-f", literal], environment)
        #expect(literalSecret.status == 65)
        #expect(literalSecret.stderr.contains("a secret never goes in a file"))
    }

    @Test("doctor: every check ok against the test broker; fails with a fix when Kafka is unreachable")
    func doctor() throws {
        let healthy = try Hyphactl.run(["doctor"])
        #expect(healthy.status == 0, "\(healthy.output)")
        // skip: a check doctor could not make (Tansu reports no topic configs), never shown as ok.
        #expect(
            healthy.lines.allSatisfy {
                $0.hasPrefix("ok") || $0.hasPrefix("skip") || $0.hasPrefix("warn") || $0.hasPrefix("      →")
            })
        #expect(!healthy.output.contains("ok    min.insync.replicas: the broker does not report"))
        #expect(healthy.output.contains("reach "))
        #expect(healthy.output.contains("librdkafka: 2."))
        #expect(healthy.output.contains("broker API versions: ") && healthy.output.contains("ApiVersions v0-"))
        let broken = try Subprocess.run(try Hyphactl.binary(), ["doctor", "-b", "127.0.0.1:1", "--timeout", "2"])
        #expect(broken.status == 1)
        #expect(broken.output.contains("fail  reach 127.0.0.1:1"))
        #expect(broken.output.contains("→"))
    }

    @Test("event names complete from the broker")
    func dynamicCompletion() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "x"])
        let result = try Subprocess.run(
            try Hyphactl.binary(),
            [
                "---completion", "tail", "--", "positional@0", "3", "0", "hyphactl", "tail", "-b",
                try TestEnvironment.bootstrap(), "",
            ])
        #expect(result.lines.contains(event), "\(result.output)")
    }

    @Test("a recorded stream replays: tail -f jsonl > saved; emit --jsonl < saved")
    func replay() throws {
        let source = TestEnvironment.uniqueEvent("rec")
        let target = TestEnvironment.uniqueEvent("rep")
        try Hyphactl.succeed(["emit", source, #"{"n": 1, "ü": [true, null, 2.5]}"#])
        try Hyphactl.succeed(["emit", source, "text ✓"])
        try Hyphactl.succeed(["emit", source, "--binary"], stdin: Data([0x00, 0x9C, 0xFF]))
        let broken = try PythonPeer.run(
            ["raw", "--topic", "hypha_event_\(source)"],
            stdin: Data(#"{"key": "d:\#(source)", "value": "e25v"}"#.utf8 + [0x0A]))
        #expect(broken.status == 0)
        let saved = try Hyphactl.succeed(["tail", source, "--from-beginning", "-e", "-f", "jsonl"]).output
        let renamed = saved.replacingOccurrences(of: #""event":"\#(source)""#, with: #""event":"\#(target)""#)
        let replayed = try Hyphactl.succeed(["emit", "--jsonl"], stdin: Data(renamed.utf8))
        #expect(replayed.output.contains("delivered 4 of 4 events"))
        let original = try Hyphactl.succeed(["tail", source, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
        let copy = try Hyphactl.succeed(["tail", target, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
        func summary(_ records: [[String: Any]]) throws -> [String] {
            try records.map { record in
                let type = record["type"] as? String ?? "null"
                let data = try record["data"].map { try canonical($0) } ?? "-"
                return "\(type) \(data) \(record["error"] != nil) \(record["raw"] as? String ?? "-")"
            }.sorted()
        }
        #expect(try summary(copy) == summary(original))
        #expect(copy.allSatisfy { $0["event"] as? String == target })
    }

    @Test("tail --decode msgpack shows msgpack b: payloads as JSON, others as base64")
    func msgpack() throws {
        let event = TestEnvironment.uniqueEvent()
        // {"type": "method", "args": [1, -2, "x"]} in msgpack.
        let packed: [UInt8] =
            [0x82, 0xA4] + Array("type".utf8) + [0xA6] + Array("method".utf8) + [0xA4] + Array("args".utf8)
            + [0x93, 0x01, 0xFE, 0xA1, 0x78]
        try Hyphactl.succeed(["emit", event, "--binary"], stdin: Data(packed))
        try Hyphactl.succeed(["emit", event, "--binary"], stdin: Data([0xC1, 0x00]))
        let records = try Hyphactl.succeed([
            "tail", event, "--from-beginning", "-e", "-f", "jsonl", "--decode", "msgpack",
        ]).jsonLines()
        try #require(records.count == 2)
        let decoded = try #require(records.first { $0["encoding"] as? String == "msgpack" })
        #expect(try canonical(decoded["data"]) == canonical(["type": "method", "args": [1, -2, "x"]]))
        #expect(records.contains { $0["data"] as? String == "wQA=" && $0["encoding"] == nil })
        let pretty = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "--decode", "msgpack"])
        #expect(pretty.output.contains(#"(msgpack) {"type":"method","args":[1,-2,"x"]}"#))
    }

    static let exitCases: [(arguments: [String], code: Int32)] = [
        (["tail"], 64),
        (["emit", "x", "--json", "{"], 65),
        (["generate", "k8s", "-f", "/nonexistent.yaml"], 66),
        (["emit", "x", "--file", "/nonexistent.json"], 66),
        (["help", "nosuch"], 64),
        (["groups", "describe", "nobody-here"], 1),
        (["topics", "describe", "nothing-here"], 1),
        (["topics", "delete", "x"], 1),
        (["topics", "list", "-b", "127.0.0.1:1", "--timeout", "1"], 69),
        (["doctor", "-b", "127.0.0.1:1", "--timeout", "1"], 1),
        (["version"], 0),
    ]

    @Test("exit codes follow docs/cli.md", arguments: exitCases.indices)
    func exitCodes(_ index: Int) throws {
        let (arguments, expected) = Self.exitCases[index]
        // Commands that name their own broker, or need none, run as they are.
        let standalone = arguments.contains("-b") || ["generate", "version", "help"].contains(arguments[0])
        let result = standalone ? try Subprocess.run(try Hyphactl.binary(), arguments) : try Hyphactl.run(arguments)
        #expect(result.status == expected, "\(arguments): \(result.stderr)")
        if expected != 0 {
            #expect(result.stderr.split(separator: "\n").count >= 1)
        }
    }

    @Test("no colour when stdout is not a terminal, with --no-color, or with NO_COLOR")
    func noColour() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "x"])
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        let plain = try Subprocess.run(
            try Hyphactl.binary(), ["tail", event, "--from-beginning", "-e", "-b", try TestEnvironment.bootstrap()],
            environment: environment)
        #expect(!plain.output.contains("\u{1B}["))
        #expect(plain.output.contains(event))
    }
}
