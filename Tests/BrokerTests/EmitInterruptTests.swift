// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// `emit --lines`/`--jsonl` stopped by a signal while its input is still open
/// (a FIFO that never ends, as `tail -f | emit --jsonl` is): every line it read
/// is sent and acknowledged, the summary is printed, the exit code is 128 + signal.
@Suite("emit stopped by SIGINT and SIGTERM")
struct EmitInterruptTests {
    /// A FIFO in a fresh directory; removed by the caller.
    private func fifo() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("input").path
        try #require(mkfifo(path, 0o600) == 0)
        return path
    }

    private func events(_ event: String) throws -> [String] {
        let tailed = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"])
        return tailed.lines
    }

    @Test(
        "a signal after the lines were acknowledged: exit 128 + N, the summary, nothing lost",
        arguments: [SIGINT, SIGTERM])
    func interrupted(_ number: Int32) async throws {
        let event = TestEnvironment.uniqueEvent("int")
        let path = try fifo()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let emit = try RunningCommand([
            "emit", event, "--lines", "--file", path, "-o", "json", "-b", try TestEnvironment.bootstrap(),
        ])
        // Opening for writing waits for emit to open it for reading; kept open: no end of input.
        let writer = try #require(FileHandle(forWritingAtPath: path))
        defer { try? writer.close() }
        let lines = (1...5).map { "line \($0)" }
        writer.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        var acknowledged = 0
        while acknowledged < lines.count, await emit.nextLine(within: 20) != nil { acknowledged += 1 }
        #expect(acknowledged == lines.count, "each line acknowledged while the input stays open")

        emit.signal(number)
        let end = try #require(await emit.finish(within: 30), "emit did not end after the signal")
        #expect(end.status == 128 + number, "\(end.stderr)")
        #expect(end.stderr.contains("interrupted by \(number == SIGINT ? "SIGINT" : "SIGTERM")"), "\(end.stderr)")
        #expect(end.stderr.contains("5 of 5 events delivered"), "\(end.stderr)")
        #expect(try events(event) == lines)
    }

    @Test("SIGTERM at once after writing: what emit read is all in the log, as its output says")
    func interruptedAtOnce() async throws {
        let event = TestEnvironment.uniqueEvent("int")
        let path = try fifo()
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let emit = try RunningCommand([
            "emit", event, "--lines", "--file", path, "-o", "json", "-b", try TestEnvironment.bootstrap(),
        ])
        let writer = try #require(FileHandle(forWritingAtPath: path))
        defer { try? writer.close() }
        let lines = (1...200).map { "event \($0)" }
        writer.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        // The first acknowledgement: emit is well past its start (a signal in its first
        // milliseconds can come before libdispatch watches for it), most events in flight.
        _ = await emit.nextLine(within: 30)
        emit.signal(SIGTERM)
        let end = try #require(await emit.finish(within: 30), "emit did not end after SIGTERM")
        #expect(end.status == 143, "\(end.stderr)")
        // "… and N of M events delivered", on stderr with the exit status.
        let counted = end.stderr.components(separatedBy: " of ").first?.split(separator: " ").last
        let delivered = try #require(counted.flatMap { Int($0) }, "stderr: \(end.stderr)")
        let stored = delivered == 0 ? [] : try events(event)
        #expect(stored.count == delivered, "every event reported delivered is in the log, and no other")
        #expect(stored == Array(lines.prefix(stored.count)), "the lines read, in order")
    }
}
