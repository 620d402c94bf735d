// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import Testing

@testable import hyphactl

@Suite("parsing the command line")
struct CommandLineTests {
    @Test("-b, --bootstrap-servers and --kafka-uri name the same option")
    func bootstrapAliases() throws {
        for flag in ["-b", "--bootstrap-servers", "--kafka-uri"] {
            let command = try #require(
                try HyphaCtl.parseAsRoot(["topics", "list", flag, "k1:9092,k2:9092"]) as? TopicsList)
            #expect(try command.global.clientSettings(environment: [:]).bootstrapServers == "k1:9092,k2:9092")
        }
    }

    @Test("the bootstrap default: HYPHA_KAFKA_URI, then localhost:9092")
    func bootstrapDefault() throws {
        let command = try #require(try HyphaCtl.parseAsRoot(["topics", "list"]) as? TopicsList)
        #expect(
            try command.global.clientSettings(environment: ["HYPHA_KAFKA_URI": "env:9092"]).bootstrapServers
                == "env:9092")
        #expect(try command.global.clientSettings(environment: [:]).bootstrapServers == "localhost:9092")
    }

    @Test("-X properties are kept in order, split at the first '=', after the command's own defaults")
    func properties() throws {
        let command = try #require(
            try HyphaCtl.parseAsRoot(
                [
                    "topics", "list", "-X", "a=1", "-X", "sasl.password=x=y", "-X", "reconnect.backoff.ms=500",
                    "--timeout", "2.5",
                ]) as? TopicsList)
        let settings = try command.global.clientSettings(environment: [:])
        // The default comes first: librdkafka takes the last value set, so -X wins.
        #expect(
            settings.properties.map(\.name) == ["reconnect.backoff.ms", "a", "sasl.password", "reconnect.backoff.ms"])
        #expect(settings.properties.map(\.value) == ["10", "1", "x=y", "500"])
        #expect(settings.timeout == .milliseconds(2500))
    }

    @Test("a context's TLS and SASL settings reach librdkafka as given, their secrets resolved and masked")
    func securityContext() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hyphactl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let keyPassword = folder.appendingPathComponent("key-password").path
        try "key-secret-1\n".write(toFile: keyPassword, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("config.yaml").path
        try """
        current-context: prod
        contexts:
          prod:
            bootstrap-servers: kafka-1:9093
            properties:
              security.protocol: sasl_ssl
              sasl.mechanism: SCRAM-SHA-512
              sasl.username: ops
              ssl.ca.location: /etc/kafka/ca.pem
              ssl.certificate.location: /etc/kafka/client.pem
              ssl.key.location: /etc/kafka/client.key
            secrets:
              sasl.password: {env: KAFKA_PASSWORD}
              ssl.key.password: {file: \(keyPassword)}

        """.write(toFile: config, atomically: true, encoding: .utf8)
        let command = try #require(try HyphaCtl.parseAsRoot(["topics", "list"]) as? TopicsList)
        let settings = try command.global.clientSettings(
            environment: ["HYPHACTL_CONFIG": config, "KAFKA_PASSWORD": "sasl-secret-2"])
        #expect(settings.bootstrapServers == "kafka-1:9093")
        let properties = Dictionary(settings.properties.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
        #expect(properties["security.protocol"] == "sasl_ssl")
        #expect(properties["sasl.mechanism"] == "SCRAM-SHA-512")
        #expect(properties["ssl.key.location"] == "/etc/kafka/client.key")
        #expect(properties["sasl.password"] == "sasl-secret-2")
        #expect(properties["ssl.key.password"] == "key-secret-1")
        #expect(settings.secretKeys.isSuperset(of: ["sasl.password", "ssl.key.password"]))
        #expect(settings.redacted("sasl-secret-2 and key-secret-1") == "*** and ***")
    }

    @Test(
        "bad global options are usage errors",
        arguments: [
            ["topics", "list", "-X", "novalue"],
            ["topics", "list", "--timeout", "0"],
            ["topics", "list", "--timeout", "-1"],
            ["tail"],
            ["tail", "x", "--from-beginning", "--offset", "3"],
            ["tail", "x", "--since", "yesterday-ish"],
            ["tail", "x", "-n", "0"],
            ["emit", "x", "data", "--file", "f"],
            ["emit", "x", "--json", "--binary"],
            ["emit", "x", "--repeat", "0"],
            ["topics", "create", "x", "-p", "0"],
            ["topics", "delete"],
            ["groups", "reset-offsets", "1"],
            ["groups", "reset-offsets", "1", "--execute"],
            ["groups", "reset-offsets", "1", "--to-earliest", "--to-latest"],
            ["groups", "reset-offsets", "1", "--to-offset", "3", "--shift-by", "-1"],
            ["groups", "reset-offsets", "1", "--to-datetime", "10m", "--to-earliest"],
            ["groups", "reset-offsets", "1", "--to-offset=-1"],
            ["groups", "reset-offsets", "1", "--to-datetime", "yesterday-ish"],
            ["groups", "reset-offsets", "1", "--shift-by", "many"],
            ["groups", "reset-offsets", "--to-earliest"],
            ["groups", "delete"],
        ])
    func usageErrors(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try HyphaCtl.parseAsRoot(arguments) }
        #expect(HyphaCtl.exitCode(for: usageError(arguments)) == ExitCode(64))
    }

    private func usageError(_ arguments: [String]) -> any Error {
        do {
            _ = try HyphaCtl.parseAsRoot(arguments)
            return CancellationError()
        } catch {
            return error
        }
    }

    @Test("-o is one option group: its values and default per command")
    func outputOptions() throws {
        let list = try #require(try HyphaCtl.parseAsRoot(["topics", "list", "-o", "json"]) as? TopicsList)
        #expect(list.output.format == .json)
        let servers = try #require(try HyphaCtl.parseAsRoot(["servers"]) as? ServersCommand)
        #expect(servers.output.format == .table)
        let contexts = try #require(
            try HyphaCtl.parseAsRoot(["config", "get-contexts", "-o", "json"]) as? ConfigGetContexts)
        #expect(contexts.output.format == .json)
        let emit = try #require(try HyphaCtl.parseAsRoot(["emit", "x", "d"]) as? EmitCommand)
        #expect(emit.output.format == .text)
        let probe = try #require(try HyphaCtl.parseAsRoot(["probe", "-o", "json"]) as? ProbeCommand)
        #expect(probe.output.format == .json)
        #expect(throws: (any Error).self) { try HyphaCtl.parseAsRoot(["emit", "x", "d", "-o", "table"]) }
    }

    @Test("-o/--output: value name format, the format's own line")
    func outputHelp() {
        let list = HyphaCtl.helpMessage(for: TopicsList.self, columns: 200)
        #expect(list.contains("[--all] [--output <format>]"), "\(list)")
        #expect(
            list.contains(
                "-o, --output <format>   Output format; wide: the table whole, never fitted to the terminal. (values: table, wide, json; default: table)"
            ), "\(list)")
        let emit = HyphaCtl.helpMessage(for: EmitCommand.self, columns: 200)
        #expect(
            emit.contains(
                "-o, --output <format>   Output: a summary line, or one JSON line per event. (values: text, json; default: text)"
            ), "\(emit)")
    }

    @Test("tail's flags")
    func tailFlags() throws {
        let command = try #require(
            try HyphaCtl.parseAsRoot(["tail", "a", "ws-*", "-e", "-n", "5", "-p", "2", "-f", "jsonl", "--offset", "-3"])
                as? TailCommand)
        #expect(command.events == ["a", "ws-*"])
        #expect(
            command.exitAtEnd && command.count == 5 && command.partition == 2 && command.format == .jsonl
                && command.offset == -3)
    }

    @Test("groups reset-offsets: one mode, repeatable --event, dry run unless --execute")
    func resetOffsets() throws {
        func parse(_ arguments: [String]) throws -> GroupsResetOffsets {
            try #require(try HyphaCtl.parseAsRoot(["groups", "reset-offsets", "1"] + arguments) as? GroupsResetOffsets)
        }
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let earliest = try parse(["--to-earliest", "--event", "a", "--event", "ws-1/*:msg", "-o", "json"])
        #expect(earliest.name == "1" && earliest.events == ["a", "ws-1/*:msg"] && !earliest.execute)
        #expect(earliest.output.format == .json)
        #expect(earliest.target(now: now) == .earliest)
        #expect(try parse(["--to-latest", "--execute"]).execute)
        #expect(try parse(["--to-latest"]).target(now: now) == .latest)
        #expect(try parse(["--to-offset", "0"]).target(now: now) == .offset(0))
        #expect(try parse(["--shift-by", "-10"]).target(now: now) == .shift(by: -10))
        #expect(try parse(["--shift-by=-10"]).target(now: now) == .shift(by: -10))
        #expect(try parse(["--shift-by", "5"]).target(now: now) == .shift(by: 5))
        #expect(try parse(["--to-datetime", "10m"]).target(now: now) == .time(millis: 1_800_000_000_000 - 600_000))
        #expect(
            try parse(["--to-datetime", "2026-11-27T09:00:00Z"]).target(now: now) == .time(millis: 1_795_770_000_000))
    }

    @Test("groups delete: several names, --yes or -y")
    func groupsDelete() throws {
        let command = try #require(
            try HyphaCtl.parseAsRoot(["groups", "delete", "1", "hypha_server_2", "-y"]) as? GroupsDelete)
        #expect(command.names == ["1", "hypha_server_2"] && command.yes)
        #expect(try #require(try HyphaCtl.parseAsRoot(["groups", "delete", "x"]) as? GroupsDelete).yes == false)
    }

    @Test("--since takes ISO-8601 times, tail's own printed times, Unix seconds and ages")
    func sinceValues() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(PointInTime.millis("2026-11-27T09:00:00Z", now: now) == 1_795_770_000_000)
        #expect(PointInTime.millis("2026-11-27T09:00:00.250Z", now: now) == 1_795_770_000_250)
        #expect(PointInTime.millis("2026-11-27T10:00:00+01:00", now: now) == 1_795_770_000_000)
        #expect(PointInTime.millis("1795770000", now: now) == 1_795_770_000_000)
        #expect(PointInTime.millis("1795770000123", now: now) == 1_795_770_000_123)
        #expect(PointInTime.millis("10m", now: now) == Int64(1_800_000_000_000 - 600_000))
        #expect(PointInTime.millis("-10m", now: now) == Int64(1_800_000_000_000 - 600_000))
        #expect(PointInTime.millis("1h30m", now: now) == Int64(1_800_000_000_000 - 5_400_000))
        #expect(PointInTime.millis("2h", now: now) == Int64(1_800_000_000_000 - 7_200_000))
        #expect(PointInTime.millis("1d", now: now) == Int64(1_800_000_000_000 - 86_400_000))
        #expect(PointInTime.millis("soon", now: now) == nil)
        #expect(PointInTime.millis("2026-13-01 00:00:00", now: now) == nil)
        #expect(PointInTime.millis("2026-02-30", now: now) == nil)
    }

    @Test("exporter's options: --listen kept as given, --min-interval as a duration, their defaults")
    func exporterOptions() throws {
        let defaults = try #require(try HyphaCtl.parseAsRoot(["exporter"]) as? ExporterCommand)
        #expect(defaults.listen == "0.0.0.0:9308")
        #expect(defaults.minInterval.duration == .seconds(5))
        let command = try #require(
            try HyphaCtl.parseAsRoot(["exporter", "--listen", "127.0.0.1:9400", "--min-interval", "500ms"])
                as? ExporterCommand)
        #expect(command.listen == "127.0.0.1:9400")
        #expect(command.minInterval.duration == .milliseconds(500))
        for (text, duration) in [
            ("2", Duration.seconds(2)), ("1.5s", .milliseconds(1500)), ("1m", .seconds(60)), ("0s", .zero),
        ] {
            #expect(DurationArgument(argument: text)?.duration == duration, "\(text)")
        }
        for text in ["", "s", "-1s", "5x", "fast", "inf", "nan"] {
            #expect(DurationArgument(argument: text) == nil, "\(text)")
        }
        #expect(throws: (any Error).self) { try HyphaCtl.parseAsRoot(["exporter", "--min-interval", "soon"]) }
    }

    @Test("globs match event names")
    func globs() {
        #expect(EventGlob.isGlob("ws-*") && !EventGlob.isGlob("ws-1"))
        #expect(EventGlob.matches("ws-*", "ws-1/client:msg"))
        #expect(!EventGlob.matches("ws-*", "other"))
    }

    @Test("text from the bus cannot drive the terminal")
    func terminalSafety() {
        #expect(TerminalText.safe("plain ✓") == "plain ✓")
        #expect(TerminalText.safe("a\u{1B}[2Jb\n") == "a\\x1b[2Jb\\x0a")
        #expect(TerminalText.safe("\u{9B}x") == "\\x9bx")
    }

    @Test("tables pad every column but the last")
    func table() {
        var table = Table("A", "LONGER")
        table.add(["wide-cell", "x"])
        #expect(table.rendered(width: nil) == "A          LONGER\nwide-cell  x\n")
    }

    @Test("widths count what the terminal shows: escape codes take no room, a character one column")
    func tableWidths() {
        #expect(Table.visibleCount("plain") == 5)
        #expect(Table.visibleCount("\u{1B}[31mred\u{1B}[0m") == 3)
        #expect(Table.visibleCount("e\u{301}t✓") == 3)
        var table = Table("STATE", "N")
        table.add(["\u{1B}[32mok\u{1B}[0m", "1"])
        table.add(["café✓", "2"])
        #expect(table.rendered(width: nil) == "STATE  N\n\u{1B}[32mok\u{1B}[0m     1\ncafé✓  2\n")
    }

    @Test("on a narrow terminal free text is cut first, then columns dropped in order; identifiers never cut")
    func narrowTable() {
        var table = Table("EVENT", "TOPIC", "NOTE", "MESSAGES")
        table.cuttable = ["NOTE"]
        table.droppable = ["TOPIC"]
        table.add([
            "a-very-long-event-name-indeed", "hypha_event_a-very-long-event-name-indeed", "a long note here", "12",
        ])
        let wide = table.rendered(width: nil)
        #expect(wide.contains("hypha_event_a-very-long-event-name-indeed  a long note here  12"))
        let cut = table.rendered(width: 96)
        #expect(cut.contains("a long note…") && cut.contains("hypha_event_a-very-long-event-name-indeed"), "\(cut)")
        #expect(cut.split(separator: "\n").allSatisfy { $0.count <= 96 }, "\(cut)")
        let dropped = table.rendered(width: 60)
        #expect(!dropped.contains("TOPIC") && dropped.contains("a-very-long-event-name-indeed"), "\(dropped)")
        #expect(dropped.split(separator: "\n").allSatisfy { $0.count <= 60 }, "\(dropped)")
        // Too narrow even then: the identifier overflows whole rather than being cut.
        let overflow = table.rendered(width: 20)
        #expect(overflow.contains("a-very-long-event-name-indeed") && overflow.contains("12"), "\(overflow)")
    }
}

@Suite("colour")
struct ColourTests {
    @Test("colour needs a terminal and neither --no-color nor NO_COLOR")
    func rules() {
        // The test's stdout is not a terminal.
        #expect(!Terminal.colorAllowed(flag: false, environment: [:]))
        #expect(!Terminal.colorAllowed(flag: true, environment: [:]))
        #expect(!Terminal.colorAllowed(flag: false, environment: ["NO_COLOR": "1"]))
        #expect(Style(enabled: true).red("x") == "\u{1B}[31mx\u{1B}[0m")
        #expect(Style(enabled: false).red("x") == "x")
    }
}
