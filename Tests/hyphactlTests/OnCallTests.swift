// SPDX-License-Identifier: Apache-2.0
import ArgumentParser
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import Testing

@testable import hyphactl

/// What someone on call meets first: which cluster, how fast a dead address
/// fails, advice that helps, tables on a small terminal, one syntax for times.
@Suite("on call")
struct OnCallTests {
    private static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A config file with a current context (dev) and another (prod), in a folder of its own.
    private func withConfig(_ body: (String) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hyphactl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("config.yaml").path
        try """
        current-context: dev
        contexts:
          dev:
            bootstrap-servers: dev:9092
          prod:
            bootstrap-servers: prod:9093
            properties: {security.protocol: ssl}

        """.write(toFile: path, atomically: true, encoding: .utf8)
        try body(path)
    }

    private func settings(_ arguments: [String], _ environment: [String: String]) throws -> KafkaClientSettings {
        let command = try #require(
            try HyphaCtl.parseAsRoot(LeadingGlobalOptions.rearranged(arguments, root: HyphaCtl.self)) as? TopicsList)
        return try command.global.clientSettings(environment: environment)
    }

    @Test("the cluster: -b, then --context, then $HYPHA_KAFKA_URI, then the current context, then localhost")
    func precedence() throws {
        try withConfig { config in
            let withURI = ["HYPHACTL_CONFIG": config, "HYPHA_KAFKA_URI": "env:9092"]
            let cases: [([String], [String: String], String, String)] = [
                (["topics", "list", "-b", "flag:9092", "--context", "prod"], withURI, "flag:9092", "-b"),
                (["--context", "prod", "topics", "list"], withURI, "prod:9093", "--context prod"),
                (["topics", "list"], withURI, "env:9092", "$HYPHA_KAFKA_URI"),
                (["topics", "list"], ["HYPHACTL_CONFIG": config], "dev:9092", "current context dev"),
                (["topics", "list"], ["HYPHACTL_CONFIG": "/nonexistent/config.yaml"], "localhost:9092", "the default"),
            ]
            for (arguments, environment, servers, source) in cases {
                let settings = try settings(arguments, environment)
                #expect(settings.bootstrapServers == servers, "\(arguments)")
                #expect(settings.bootstrapSource == source, "\(arguments)")
            }
            // --context brings its properties whichever address wins.
            let flagged = try settings(["topics", "list", "-b", "flag:9092", "--context", "prod"], withURI)
            #expect(flagged.properties.contains(KafkaProperty(name: "security.protocol", value: "ssl")))
        }
    }

    @Test("the README and the root man page give the same order of precedence")
    func precedenceDocumented() throws {
        let readme = try String(contentsOf: Self.repository.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = [
            "| 1 | `-b/", "| 2 | `--context NAME`", "| 3 | `$HYPHA_KAFKA_URI`", "| 4 | the config file's",
            "| 5 | `localhost:9092`",
        ]
        let positions = rows.map { readme.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "README's table of which cluster")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        let page = try String(contentsOf: Self.repository.appendingPathComponent("man/hyphactl.1"), encoding: .utf8)
        let section = try #require(page.range(of: ".Sh \"WHICH CLUSTER\"").map { String(page[$0.lowerBound...]) })
        let order = ["Fl b Ns", "Fl -context", "Ev HYPHA_KAFKA_URI", "current-context", "localhost:9092"]
        let found = order.map { section.range(of: $0)?.lowerBound }
        #expect(found.allSatisfy { $0 != nil } && found.compactMap { $0 } == found.compactMap { $0 }.sorted())
    }

    @Test("a refused address fails at once, naming where it came from; so does a name that does not resolve")
    func fastFailure() throws {
        var settings = KafkaClientSettings(bootstrapServers: "127.0.0.1:1", timeout: .seconds(30))
        settings.bootstrapSource = "-b"
        let started = ContinuousClock.now
        let refused = try #require(BootstrapReachability.failure(for: settings))
        // Far below the 30 s timeout it would otherwise wait out; how fast is bench
        // material (about 0.1 s), not a timed assertion that a busy machine could break.
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(refused.kind == .unreachable && refused.code == .transport)
        #expect(refused.reason.contains("refused") && refused.reason.contains("127.0.0.1:1 (from -b)"))
        #expect(!ExitCodes.line(for: refused).contains("--timeout"), "more time cannot help a refusal")
        #expect(ExitCodes.code(for: refused) == 69)

        settings.bootstrapServers = "nosuchhost.invalid:9092"
        settings.bootstrapSource = "$HYPHA_KAFKA_URI"
        let unresolved = try #require(BootstrapReachability.failure(for: settings))
        #expect(unresolved.code == .resolve && unresolved.reason.contains("does not resolve"))
        #expect(ExitCodes.line(for: unresolved).contains("$HYPHA_KAFKA_URI"))
    }

    @Test("one open address among refused ones is enough to go on")
    func oneOpenAddress() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                try #require(bind(listener, raw, length) == 0 && listen(listener, 1) == 0)
                try #require(getsockname(listener, raw, &length) == 0)
            }
        }
        let port = UInt16(bigEndian: address.sin_port)
        let settings = KafkaClientSettings(bootstrapServers: "127.0.0.1:1,127.0.0.1:\(port)")
        #expect(BootstrapReachability.failure(for: settings) == nil)
    }

    @Test("advice fits the failure: message.max.bytes names both limits; a timeout may need more time")
    func advice() {
        let size = EmitCommand.advice(
            for: "queue an event: the message is larger than message.max.bytes (1000 bytes); this event is 5000 bytes")
        #expect(size.contains("-X message.max.bytes=") && size.contains("max.message.bytes"))
        #expect(!size.contains("--timeout"))
        let silence = KafkaFailure(
            .unreachable, "no answer from Kafka at k:9092 (from -b) within 10 s", code: .timedOut)
        #expect(ExitCodes.line(for: silence).contains("--timeout"))
    }

    @Test(
        "servers at 80 and 60 columns: whole ids, escape codes balanced, lines within the width", arguments: [80, 60])
    func narrowServers(_ width: Int) throws {
        let ids = ["bb9a7603-7425-4a2e-9d6c-0f6b6a1d2c3e", "0c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e"]
        let reports = ids.enumerated().map { index, id in
            ServerReport(
                serverID: id, state: "CompletingRebalance", members: 3, totalLag: index == 0 ? 12_345 : 0,
                lastHealthCheckMillis: 95_800, nowMillis: 100_000, limits: ServerLimits())
        }
        var table = Table("SERVER-ID", "STATE", "MEMBERS", "TOTAL-LAG", "LAST-HEALTH-CHECK", "STATUS")
        table.droppable = GroupRendering.serverColumnsDropped
        let style = Style(enabled: true)
        for report in reports {
            table.add([
                report.serverID, report.state ?? "-", String(report.members), report.totalLag.map(String.init) ?? "-",
                GroupRendering.age(of: report, nowMillis: 100_000), GroupRendering.status(report.status, style: style),
            ])
        }
        let text = table.rendered(width: width)
        for id in ids { #expect(text.contains(id), "\(text)") }
        #expect(text.components(separatedBy: "\u{1B}[3").count == text.components(separatedBy: "\u{1B}[0m").count)
        for line in text.split(separator: "\n") {
            #expect(Table.visibleCount(String(line)) <= width, "\(line)")
        }
        #expect(text.contains("STATUS") && text.contains("TOTAL-LAG"))
        #expect(!text.contains("LAST-HEALTH-CHECK"), "the first column to go")
        #expect(table.rendered(width: nil).contains("LAST-HEALTH-CHECK"), "-o wide keeps every column")
    }

    @Test("-o wide is a format of every table command")
    func wide() throws {
        let servers = try #require(try HyphaCtl.parseAsRoot(["servers", "-o", "wide"]) as? ServersCommand)
        #expect(servers.output.format == .wide)
        let long = try #require(try HyphaCtl.parseAsRoot(["servers", "--output", "json"]) as? ServersCommand)
        #expect(long.output.format == .json)
    }

    @Test("durations: units everywhere, compound ones, bare numbers are seconds")
    func durations() throws {
        let cases: [(String, Duration)] = [
            ("5s", .seconds(5)), ("5", .seconds(5)), ("1h30m", .seconds(5400)), ("1.5h", .seconds(5400)),
            ("2m30s", .seconds(150)), ("500ms", .milliseconds(500)), ("2d", .seconds(172_800)),
            ("1m0.5s", .milliseconds(60_500)),
        ]
        for (text, duration) in cases {
            #expect(DurationArgument(argument: text)?.duration == duration, "\(text)")
        }
        for text in ["1h1h", "5 s", "h", "1x", "-5s", "1e400"] {
            #expect(DurationArgument(argument: text) == nil, "\(text)")
        }
        let servers = try #require(
            try HyphaCtl.parseAsRoot(["servers", "--timeout", "5s", "--silence", "1m30s"]) as? ServersCommand)
        #expect(servers.global.timeout.duration == .seconds(5))
        #expect(servers.silence.duration == .seconds(90))
        let exporter = try #require(try HyphaCtl.parseAsRoot(["exporter", "--silence", "20s"]) as? ExporterCommand)
        #expect(exporter.silence.duration == .seconds(20))
    }

    @Test("--since and --to-datetime take the time tail prints, local, and -5m")
    func printedTimes() throws {
        let millis = Int64(1_795_770_000_250)
        let printed = LocalTime.text(millis: millis)
        #expect(PointInTime.millis(printed, now: Date()) == millis)
        let tail = try #require(try HyphaCtl.parseAsRoot(["tail", "x", "--since", printed]) as? TailCommand)
        #expect(tail.since == printed)
        #expect(throws: Never.self) { try HyphaCtl.parseAsRoot(["tail", "x", "--since", "-5m"]) }
        #expect(throws: Never.self) {
            try HyphaCtl.parseAsRoot(["groups", "reset-offsets", "1", "--to-datetime", "2026-12-06 06:11:39"])
        }
        #expect(Age.text(millis: 45_000) == "45s")
        #expect(Age.text(millis: 17 * 60_000 + 5_000) == "17m")
        #expect(Age.text(millis: (3 * 60 + 12) * 60_000) == "3h12m")
        #expect(Age.text(millis: 2 * 86_400_000) == "2d")
    }

    @Test("short options with their value attached: -n1, -fjsonl, -Xacks=all")
    func attachedValues() throws {
        let words = AttachedValues.separated(["tail", "x", "-n1", "-fjsonl", "-p0", "-Xacks=all", "-e", "--", "-n2"])
        #expect(words == ["tail", "x", "-n", "1", "-f", "jsonl", "-p", "0", "-X", "acks=all", "-e", "--", "-n2"])
        #expect(AttachedValues.separated(["-b", "-fx", "tail"]) == ["-b", "-fx", "tail"], "a value is kept whole")
        let tail = try #require(
            try HyphaCtl.parseAsRoot(AttachedValues.separated(["tail", "x", "-n1", "-fjsonl"])) as? TailCommand)
        #expect(tail.count == 1 && tail.format == .jsonl)
    }

    @Test("everyday spellings: topic list, tail --format and -o, --text, help with no such command")
    func spellings() throws {
        #expect(try HyphaCtl.parseAsRoot(["topic", "list"]) is TopicsList)
        #expect(try HyphaCtl.parseAsRoot(["group", "list"]) is GroupsList)
        #expect(try HyphaCtl.parseAsRoot(["server"]) is ServersCommand)
        for flag in ["--format", "-o", "--output"] {
            let tail = try #require(try HyphaCtl.parseAsRoot(["tail", "x", flag, "jsonl"]) as? TailCommand)
            #expect(tail.format == .jsonl)
        }
        let text = try #require(try HyphaCtl.parseAsRoot(["emit", "x", "{bad", "--text"]) as? EmitCommand)
        #expect(text.type == .string)
        #expect(throws: (any Error).self) { try HelpRequest.check(["help", "nosuch"], root: HyphaCtl.self) }
        #expect(throws: Never.self) { try HelpRequest.check(["help", "topics", "list"], root: HyphaCtl.self) }
    }

    @Test("DATA that looks like JSON and is not: a warning; JSON or plain text: none")
    func notJSON() {
        #expect(EmitCommand.notJSONWarning(Array("{bad json".utf8))?.contains("--text") == true)
        #expect(EmitCommand.notJSONWarning(Array(" [1,".utf8)) != nil)
        #expect(EmitCommand.notJSONWarning(Array("{\"a\":1}".utf8)) == nil)
        #expect(EmitCommand.notJSONWarning(Array("[1,2]".utf8)) == nil)
        #expect(EmitCommand.notJSONWarning(Array("hello {".utf8)) == nil)
    }

    @Test("topics delete refuses a glob instead of deleting a topic of that name")
    func deleteGlob() throws {
        let error = #expect(throws: (any Error).self) { try HyphaCtl.parseAsRoot(["topics", "delete", "ux-*"]) }
        let message = HyphaCtl.message(for: try #require(error))
        #expect(message.contains("not globs"), "\(message)")
    }

    @Test("--max-lag names every group over the limit")
    func maxLagNamesAll() {
        func group(_ name: String, lag: Int64) -> GroupLag {
            GroupLag(
                group: name, state: "Stable", coordinator: nil, members: [],
                committed: [TopicPartition(topic: "hypha_event_x", partition: 0): 0],
                ends: [TopicPartition(topic: "hypha_event_x", partition: 0): lag])
        }
        let lags = [
            group("hypha_server_1", lag: 500), group("hypha_server_2", lag: 5), group("hypha_server_3", lag: 200),
        ]
        let message = GroupsDescribe.overLimit(lags, maxLag: 100)
        #expect(
            message == "2 of 3 groups have a total lag over --max-lag 100: hypha_server_1 (500), hypha_server_3 (200)")
        #expect(GroupsDescribe.overLimit(lags, maxLag: 1000) == nil)
    }

    @Test("doctor says skip, not ok, for what it did not check")
    func doctorSkips() {
        let settings = KafkaClientSettings(
            bootstrapServers: "k:9093", properties: [KafkaProperty(name: "security.protocol", value: "ssl")])
        #expect(Doctor.apiVersions(settings).status == .skip)
        #expect(
            DoctorRendering.render([DoctorFinding(.skip, "x", "not checked")], style: Style(enabled: false))
                == "skip  x: not checked\n")
    }

    @Test("man pages give the exit codes and the defaults")
    func manPages() throws {
        let folder = Self.repository.appendingPathComponent("man")
        for page in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(page), encoding: .utf8)
            #expect(!text.contains(".Ex -std"), "\(page)")
            #expect(text.contains(".It 66"), "\(page)")
        }
        let tail = try String(contentsOf: folder.appendingPathComponent("hyphactl.tail.1"), encoding: .utf8)
        #expect(tail.contains("(default: pretty)") && !tail.contains("Ar f\n") && !tail.contains("Ar o\n"))
    }
}
