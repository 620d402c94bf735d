// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// A hyphactl (or another program) left running in the background: its stdout
/// drained as it comes (so a full pipe never holds it up) and read line by line,
/// its stderr and exit status collected when it ends; with `input`, its stdin a
/// pipe the test writes to and closes when it likes.
package final class RunningCommand: @unchecked Sendable {
    // @unchecked Sendable: `process` is set up before anything runs concurrently;
    // the streams lock their own state.
    private let process: ChildProcess
    private let output = Stream()
    private let errors = Stream()
    package let started = Date()

    /// Starts `hyphactl ARGS --no-color` (the arguments name their broker).
    package convenience init(_ arguments: [String], input: Bool = false) throws {
        try self.init(executable: try Hyphactl.binary(), arguments + ["--no-color"], input: input)
    }

    /// Starts `executable ARGS`; its stdin is /dev/null, or with `input` a pipe.
    package init(executable: String, _ arguments: [String], input: Bool = false) throws {
        process = try ChildProcess(
            executable, arguments, stdin: input ? .pipe : .null, stdout: .pipe, stderr: .pipe)
        if let out = process.output { output.drain(out) }
        if let err = process.errors { errors.drain(err) }
    }

    /// Writes to its stdin (started with `input`), leaving it open.
    package func write(_ text: String) { try? process.input?.write(contentsOf: Data(text.utf8)) }

    /// Whether it has not exited yet.
    package var isRunning: Bool { process.isRunning }

    /// The process id.
    package var pid: Int32 { process.pid }

    /// The next line of stdout, or nil after `timeout` seconds or at its end.
    package func nextLine(timeout: Double) -> String? { output.nextLine(timeout: timeout) }

    /// `nextLine(timeout:)` for async tests: polls instead of blocking a thread of
    /// the cooperative pool, which the code under test needs too.
    package func nextLine(within timeout: Double) async -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let (line, ended) = output.poll()
            if let line { return line }
            if ended || Date() >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `finish(timeout:)` for async tests, polling as `nextLine(within:)` does.
    package func finish(within timeout: Double) async -> (
        status: Int32, stdout: String, stderr: String, seconds: Double
    )? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return finish(timeout: 0)
    }

    /// Sends a signal.
    package func signal(_ number: Int32) { process.signal(number) }

    /// What it has written to stderr so far.
    package func stderrSoFar() -> String { errors.snapshot() }

    /// Waits up to `timeout` seconds for its stderr to contain `text`; whether it did.
    package func stderr(contains text: String, within timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !stderrSoFar().contains(text) {
            if Date() >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    /// Closes its stdin (started with `input`) and waits up to `timeout`
    /// seconds for the end; nil if it is still running (then it is killed and
    /// the end of its stderr recorded). The stdout not yet read by `nextLine`
    /// comes with the status.
    package func finish(timeout: Double) -> (status: Int32, stdout: String, stderr: String, seconds: Double)? {
        try? process.input?.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.exitStatus == nil && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        guard let status = process.exitStatus else {
            process.signal(SIGKILL)
            process.waitForExit()
            Issue.record("still running after \(timeout) s; the end of its stderr: \(errors.rest().suffix(3000))")
            return nil
        }
        let seconds = Date().timeIntervalSince(started)
        return (status, output.rest(), errors.rest(), seconds)
    }

    /// Bytes read from a pipe by a thread of their own until its end.
    private final class Stream: @unchecked Sendable {
        // @unchecked Sendable: every field is read and written under `condition`.
        private let condition = NSCondition()
        private var buffer = Data()
        private var ended = false

        func drain(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                while true {
                    let chunk = handle.readSomeRetryingInterrupts()
                    condition.withLock {
                        if chunk.isEmpty { ended = true } else { buffer.append(chunk) }
                        condition.broadcast()
                    }
                    if chunk.isEmpty { return }
                }
            }
        }

        func nextLine(timeout: Double) -> String? {
            let deadline = Date().addingTimeInterval(timeout)
            return condition.withLock {
                while true {
                    if let line = takeLine() { return line }
                    if ended || !condition.wait(until: deadline) { return nil }
                }
            }
        }

        /// The next whole line if one is there now, and whether the pipe has ended.
        func poll() -> (line: String?, ended: Bool) {
            condition.withLock {
                let line = takeLine()
                return (line, line == nil && ended)
            }
        }

        /// The first whole line of the buffer, taken out of it; called under `condition`.
        private func takeLine() -> String? {
            guard let newline = buffer.firstIndex(of: 0x0A) else { return nil }
            let line = buffer[buffer.startIndex..<newline]
            buffer.removeSubrange(buffer.startIndex...newline)
            return String(decoding: line, as: UTF8.self)
        }

        /// What is buffered now, left in place.
        func snapshot() -> String { condition.withLock { String(decoding: buffer, as: UTF8.self) } }

        /// Everything not yet taken, once the pipe has ended.
        func rest() -> String {
            condition.withLock {
                while !ended { condition.wait() }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
        }
    }
}
