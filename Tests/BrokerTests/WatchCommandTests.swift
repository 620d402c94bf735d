// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// `servers --watch` and `groups describe --watch`, piped and on a terminal,
/// with a server whose group (left by the aiokafka peer) falls behind while
/// events keep coming.
@Suite("--watch against the test broker")
struct WatchCommandTests {
    /// A server whose group committed after one event and then went: its lag
    /// grows by every event sent after that.
    private func departedServer(_ event: String) throws -> String {
        let server = "watch-\(event)"
        try Hyphactl.succeed(["emit", event, "first"])
        let read = try PythonPeer.run([
            "consume", "--server-id", server, "--events", event, "--count", "1", "--from-beginning",
        ])
        #expect(read.status == 0, "\(read.stderr)")
        return server
    }

    private static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    private func timestamps(_ lines: [[String: Any]]) throws -> [Date] {
        try lines.map { line in
            let text = try #require(line["timestamp"] as? String)
            return try #require(Self.date(text), "not ISO-8601: \(text)")
        }
    }

    /// `hyphactl ARGS --watch --interval 1s -o json` read line by line until
    /// `enough` says the lines so far show what the test waits for (on a loaded
    /// machine the events that make a trend may come late), at most `within`
    /// seconds; then interrupted, as a user would. Returns the lines and the
    /// exit status.
    private func watchJSON(
        _ arguments: [String], within: Double = 90, until enough: ([[String: Any]]) throws -> Bool
    ) throws -> (lines: [[String: Any]], status: Int32?) {
        let watch = try RunningCommand(
            arguments + ["--watch", "--interval", "1s", "-o", "json", "-b", try TestEnvironment.bootstrap()])
        let deadline = Date().addingTimeInterval(within)
        var lines: [[String: Any]] = []
        while Date() < deadline, let text = watch.nextLine(timeout: deadline.timeIntervalSinceNow) {
            lines.append(try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]))
            if try enough(lines) { break }
        }
        watch.signal(SIGINT)
        return (lines, watch.finish(timeout: 30)?.status)
    }

    @Test("servers --watch -o json piped: one line per interval with trends and event rates")
    func serversJSON() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = try departedServer(event)
        let emitter = try EventEmitter(event)
        defer { emitter.stop() }

        func mine(_ line: [String: Any]) throws -> [String: Any] {
            let servers = try #require(line["servers"] as? [[String: Any]])
            return try #require(servers.first { $0["server_id"] as? String == server })
        }
        var grew = false
        var rated = false
        let (lines, status) = try watchJSON(["servers"]) { lines in
            guard lines.count > 1, let line = lines.last else { return false }
            let entry = try mine(line)
            let trend = try #require(entry["trend"] as? String)
            #expect(["growing", "shrinking", "steady"].contains(trend))
            let change = try #require(entry["lag_change"] as? Int)
            grew = grew || (trend == "growing" && change > 0)
            let rates = try #require(line["event_rates"] as? [[String: Any]])
            let rate = rates.first { $0["event"] as? String == event }
            rated = rated || (rate?["events_per_second"] as? Double ?? 0) > 0
            #expect(rates.allSatisfy { ($0["events_per_second"] as? Double ?? 0) > 0 }, "only moving topics")
            return grew && rated
        }
        #expect(status == 0, "interrupted: exit 0")
        try #require(lines.count >= 2, "\(lines)")
        let times = try timestamps(lines)
        for (earlier, later) in zip(times, times.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 0.9, "refreshes 1 s apart: \(times)")
        }
        #expect(lines[0]["event_rates"] is NSNull)
        #expect(try mine(lines[0])["trend"] is NSNull && mine(lines[0])["lag_change"] is NSNull)
        #expect(grew, "the departed server's lag grows while events come: \(lines)")
        #expect(rated, "the event's topic has a rate: \(lines)")
    }

    @Test("groups describe --watch piped: JSON lines with the trend and the group's rates; tables under timestamps")
    func groupsDescribe() throws {
        let event = TestEnvironment.uniqueEvent()
        let server = try departedServer(event)
        let emitter = try EventEmitter(event)
        defer { emitter.stop() }

        var grew = false
        var rated = false
        let (lines, status) = try watchJSON(["groups", "describe", server]) { lines in
            let groups = try #require(lines.last?["groups"] as? [[String: Any]])
            #expect(groups.map { $0["group"] as? String } == ["hypha_server_\(server)"])
            let group = groups[0]
            #expect(group["partitions"] is [Any] && group["total_lag"] is Int && group["stalled"] is Bool)
            if lines.count == 1 {
                #expect(group["trend"] is NSNull && group["event_rates"] is NSNull)
                return false
            }
            grew = grew || (group["trend"] as? String == "growing" && (group["lag_change"] as? Int ?? 0) > 0)
            let rates = try #require(group["event_rates"] as? [[String: Any]])
            rated =
                rated
                || rates.contains { $0["event"] as? String == event && ($0["events_per_second"] as? Double ?? 0) > 0 }
            return grew && rated
        }
        #expect(status == 0, "interrupted: exit 0")
        _ = try timestamps(lines)
        #expect(grew && rated, "\(lines)")

        let table = try Hyphactl.run(["groups", "describe", server, "--watch", "--interval", "1s", "--count", "2"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(Self.date(table.lines.first ?? "") != nil, "a timestamp line first: \(table.output)")
        #expect(table.output.components(separatedBy: "TOTAL LAG").count == 3)
        #expect(table.output.contains("TREND        growing +") || table.output.contains("TREND        steady"))
    }

    @Test("a refresh that fails is reported on stderr and watching goes on; the last one's failure is the exit status")
    func failingRefreshes() throws {
        let result = try Hyphactl.run(
            ["servers", "--watch", "--interval", "500ms", "--count", "2", "--timeout", "1"], bootstrap: "127.0.0.1:1")
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 2, "one line per refresh: \(result.stderr)")
    }

    @Test(
        "on a terminal: the alternate screen, frames drawn over each other, and the screen and cursor back on a signal",
        arguments: [SIGINT, SIGTERM])
    func terminal(_ signal: Int32) throws {
        let run = try OnTerminal.run(
            ["servers", "--watch", "--interval", "500ms", "-b", try TestEnvironment.bootstrap(), "--no-color"],
            until: "SERVER-ID", times: 2, signal: signal)
        #expect(run.exit == 0, "\(run.output)")
        #expect(run.output.hasPrefix("\u{1B}[?1049h\u{1B}[?25l"), "enters the alternate screen, hides the cursor")
        #expect(run.output.hasSuffix("\u{1B}[?25h\u{1B}[?1049l"), "shows the cursor, leaves the alternate screen")
        #expect(run.output.components(separatedBy: "\u{1B}[H").count >= 3, "two frames or more, each from home")
        #expect(run.output.contains("\u{1B}[K") && run.output.contains("\u{1B}[J"))
        #expect(!run.output.contains("\u{1B}[2J"), "no whole-screen clear")
    }

    @Test("on a terminal, a refresh that fails is shown in the frame and watching goes on until Ctrl-C")
    func terminalFailure() throws {
        let run = try OnTerminal.run(
            ["servers", "--watch", "--interval", "500ms", "--timeout", "1", "-b", "127.0.0.1:1", "--no-color"],
            until: "refresh failed", times: 2, signal: SIGINT)
        #expect(run.exit == 0, "\(run.output)")
        #expect(run.output.hasSuffix("\u{1B}[?25h\u{1B}[?1049l"))
    }
}

/// Sends one event every 200 ms until stopped, through one `emit --lines`
/// process fed line by line (one connection, not a process per event, which on
/// a loaded machine could take longer to start than a watch's refreshes): 200 ms
/// apart, each line goes in a produce request of its own (Tansu counts a batch
/// as one offset).
private final class EventEmitter: @unchecked Sendable {
    // @unchecked Sendable: `stopped` is only read and written under `lock`.
    private let lock = NSLock()
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)
    private let process: ChildProcess

    init(_ event: String) throws {
        process = try ChildProcess(
            try Hyphactl.binary(), ["emit", event, "--lines", "-b", try TestEnvironment.bootstrap(), "--no-color"],
            stdin: .pipe)
        let input = try #require(process.input)
        Thread.detachNewThread { [self] in
            var index = 0
            while !lock.withLock({ stopped }) {
                index += 1
                do {
                    try input.write(contentsOf: Data("watched \(index)\n".utf8))
                } catch {
                    Issue.record("emit --lines stopped reading: \(error)")
                    break
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            try? input.close()
            done.signal()
        }
    }

    func stop() {
        lock.withLock { stopped = true }
        done.wait()
        process.waitForExit()
    }
}

/// hyphactl on a pseudo-terminal (Python's pty module): everything it wrote,
/// and its exit status after `signal`.
enum OnTerminal {
    static let script = """
        import base64, json, os, pty, select, signal, sys, time
        marker, times, number, argv = sys.argv[1].encode(), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(argv[0], argv)
        out, deadline = b"", time.time() + 30
        def read(until):
            global out
            while time.time() < until:
                if select.select([fd], [], [], 0.1)[0]:
                    try:
                        data = os.read(fd, 65536)
                    except OSError:
                        return
                    if not data:
                        return
                    out += data
                    if until == deadline and out.count(marker) >= times:
                        return
        read(deadline)
        os.kill(pid, number)
        read(time.time() + 15)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"output": base64.b64encode(out).decode(), "exit": os.waitstatus_to_exitcode(status)}))
        """

    /// Runs `hyphactl ARGS` until `marker` was written `times` times, then sends
    /// `signal`; `environment` changes the test's own (nil: unset).
    static func run(
        _ arguments: [String], until marker: String, times: Int, signal: Int32, environment: [String: String?] = [:]
    ) throws -> (output: String, exit: Int) {
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let result = try Subprocess.run(
            python, ["-c", script, marker, String(times), String(signal), try Hyphactl.binary()] + arguments,
            environment: variables, timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        let output = try #require(Data(base64Encoded: document["output"] as? String ?? ""))
        return (String(decoding: output, as: UTF8.self), document["exit"] as? Int ?? -1)
    }
}
