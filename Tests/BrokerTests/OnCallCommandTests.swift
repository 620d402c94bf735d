// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// The commands as someone on call runs them: the right cluster, fast honest
/// failures, output that survives a small terminal.
@Suite("on call, for real")
struct OnCallCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A config file whose current context is dev and which also has prod.
    private func config(prod: String, dev: String = "127.0.0.1:1") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hyphactl-\(UUID().uuidString).yaml")
        try """
        current-context: dev
        contexts:
          dev:
            bootstrap-servers: \(dev)
          prod:
            bootstrap-servers: \(prod)

        """.write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    private func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(extra) { $1 }
    }

    @Test("a refused address fails at once and says so, however long --timeout is")
    func refusedAtOnce() throws {
        let result = try Subprocess.run(
            try Hyphactl.binary(), ["topics", "list", "-b", "127.0.0.1:1", "--timeout", "30"], timeout: 60)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.seconds < 10, "took \(result.seconds) s: it waited on --timeout")
        #expect(result.stderr.contains("refused") && result.stderr.contains("(from -b)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1 && !result.stderr.contains("--timeout"))

        let unknown = try Subprocess.run(
            try Hyphactl.binary(), ["topics", "list", "--timeout", "30"],
            environment: environment(["HYPHA_KAFKA_URI": "nosuchhost.invalid:9092"]), timeout: 60)
        #expect(unknown.status == 69 && unknown.seconds < 10, "\(unknown.seconds) s: \(unknown.stderr)")
        #expect(unknown.stderr.contains("does not resolve") && unknown.stderr.contains("$HYPHA_KAFKA_URI"))
    }

    @Test("--context wins over $HYPHA_KAFKA_URI, and -v and doctor say which cluster and why")
    func contextWins() throws {
        let broker = try TestEnvironment.bootstrap()
        let file = try config(prod: broker)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let variables = environment(["HYPHACTL_CONFIG": file, "HYPHA_KAFKA_URI": "127.0.0.1:1"])
        let listed = try Subprocess.run(
            try Hyphactl.binary(), ["--context", "prod", "topics", "list", "-v"], environment: variables)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stderr.contains("cluster \(broker) (from --context prod)"), "\(listed.stderr)")
        let doctor = try Subprocess.run(
            try Hyphactl.binary(), ["doctor", "--context", "prod", "--no-color"], environment: variables)
        #expect(doctor.output.contains("bootstrap \(broker) (from --context prod)"), "\(doctor.output)")
        let fromEnvironment = try Subprocess.run(
            try Hyphactl.binary(), ["topics", "list"],
            environment: environment(["HYPHACTL_CONFIG": file, "HYPHA_KAFKA_URI": broker]))
        #expect(fromEnvironment.status == 0, "without --context the environment beats the current context")
    }

    @Test("servers on a terminal of 80 and 60 columns: whole ids, escape codes balanced", arguments: [80, 60])
    func narrowTerminal(_ columns: Int) throws {
        let server = UUID().uuidString.lowercased()
        #expect(try PythonPeer.run(["health", "--server-id", server]).status == 0)
        let run = try OnTerminal.run(
            ["servers", "-b", try TestEnvironment.bootstrap()], until: server, times: 1, signal: SIGTERM,
            environment: ["COLUMNS": String(columns), "NO_COLOR": nil])
        #expect(run.output.contains(server), "\(run.output)")
        let opened = run.output.components(separatedBy: "\u{1B}[3").count - 1
        let reset = run.output.components(separatedBy: "\u{1B}[0m").count - 1
        #expect(
            opened > 0 && opened == reset, "\(opened) colours opened, \(reset) reset: \(run.output.debugDescription)")
        for line in run.output.split(separator: "\r\n") {
            let visible = line.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
            #expect(visible.count <= columns, "\(visible)")
        }
    }

    @Test("a mirror into itself is refused; renamed, or with --allow-loop, it is sent")
    func mirrorLoop() throws {
        let event = TestEnvironment.uniqueEvent("loop")
        try Hyphactl.succeed(["emit", event, "one"])
        try Hyphactl.succeed(["emit", event, "two"])
        let records = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).stdout
        // stdin is a pipe, as in `tail -f jsonl | emit --jsonl`.
        let refused = try Hyphactl.run(["emit", "--jsonl"], stdin: records)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("mirror into itself") && refused.stderr.contains("--allow-loop"))
        #expect(try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).lines.count == 2)

        let allowed = try Hyphactl.run(["emit", "--jsonl", "--allow-loop"], stdin: records)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).lines.count == 4)
    }

    @Test("an event over message.max.bytes says its size and which limits raise it")
    func tooLarge() throws {
        let event = TestEnvironment.uniqueEvent()
        let result = try Hyphactl.run(
            ["emit", event, String(repeating: "x", count: 5000), "-X", "message.max.bytes=1000"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("this event is"), "\(result.stderr)")
        #expect(result.stderr.contains("-X message.max.bytes=") && result.stderr.contains("max.message.bytes"))
        #expect(!result.stderr.contains("--timeout"))
    }

    @Test("on a terminal: emit says it reads stdin; pretty tail cuts a large value with its size")
    func terminalManners() throws {
        let event = TestEnvironment.uniqueEvent()
        let waiting = try OnTerminal.run(
            ["emit", event, "-b", try TestEnvironment.bootstrap()], until: "Ctrl-D", times: 1, signal: SIGTERM)
        #expect(waiting.output.contains("reading DATA from stdin, Ctrl-D to end"), "\(waiting.output)")

        try Hyphactl.succeed(["emit", event, "--file", "-"], stdin: Data(String(repeating: "v", count: 300_000).utf8))
        let tail = try OnTerminal.run(
            ["tail", event, "--from-beginning", "-e", "-b", try TestEnvironment.bootstrap()],
            until: "cut on a terminal", times: 1, signal: SIGTERM)
        #expect(tail.output.contains("cut on a terminal"), "\(tail.output.suffix(300))")
        #expect(tail.output.utf8.count < 10_000, "\(tail.output.utf8.count) bytes written")
    }

    @Test("completion: options before the command, --context's contexts, -f/--file's files")
    func completion() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "x"])
        let file = try config(prod: "127.0.0.1:2")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let folder = URL(fileURLWithPath: try Hyphactl.binary()).deletingLastPathComponent().path
        let variables = environment([
            "HYPHACTL_CONFIG": file, "PATH": "\(folder):\(ProcessInfo.processInfo.environment["PATH"] ?? "")",
        ])
        func complete(_ line: String) throws -> [String] {
            let script = """
                source '\(Self.root.appendingPathComponent("completions/hyphactl.bash").path)'
                COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< "$COMP_LINE"
                [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
                COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
                _hyphactl hyphactl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try Subprocess.run(
                "/bin/bash", ["-c", script, "complete", line], environment: variables, timeout: 30)
            return result.lines
        }
        #expect(try complete("hyphactl --context ").contains("prod"))
        #expect(try complete("hyphactl -b \(try TestEnvironment.bootstrap()) tail ").contains(event))
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("complete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        try Data("{}".utf8).write(to: data.appendingPathComponent("event.json"))
        let files = try complete("hyphactl --timeout 5s emit \(event) --file \(data.path)/")
        #expect(files.contains("\(data.path)/event.json"), "\(files)")
    }
}
