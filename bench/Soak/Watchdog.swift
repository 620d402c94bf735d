// SPDX-License-Identifier: Apache-2.0
import Foundation
import Synchronization

/// Every bus call runs under a bound; one that runs past it is hung: reported once
/// (name, bus, start time), and the first time with every thread's stack, when gdb
/// is on PATH.
final class Watchdog: Sendable {
    struct Call: Sendable {
        let name: String
        let bus: String
        let started: Double
        let bound: Double
        var hung = false
    }

    private struct State {
        var next = 0
        var open: [Int: Call] = [:]
        var hung: [String] = []
        var dumped = false
        var peakThreads = 0
        /// Per call name's first word: how many returned, their total and longest time.
        var times: [String: (count: Int, total: Double, longest: Double)] = [:]
    }

    private let clock: SoakClock
    private let state = Mutex(State())

    init(clock: SoakClock) { self.clock = clock }

    /// Runs `body` as the call `name` on `bus`, which must return within `bound`.
    func run<T>(_ name: String, bus: String, bound: Duration, _ body: () async throws -> T) async rethrows -> T {
        let started = clock.now()
        let key = state.withLock { state in
            state.next += 1
            state.open[state.next] = Call(name: name, bus: bus, started: started, bound: bound.seconds)
            return state.next
        }
        defer { finish(key) }
        return try await body()
    }

    /// How many calls ran past their bound, and a line about each.
    var hung: [String] { state.withLock { $0.hung } }

    /// How long the calls that returned took: `on 120 × mean 1.2 s, max 9.8 s; …`.
    var times: String {
        state.withLock { $0.times }.sorted { $0.key < $1.key }.map { kind, times in
            "\(kind) \(times.count) × mean \(fixed(times.total / Double(times.count))) s, max \(fixed(times.longest)) s"
        }.joined(separator: "; ")
    }

    /// Calls still running, hung or not.
    var open: [Call] { state.withLock { Array($0.open.values) }.sorted { $0.started < $1.started } }

    /// The most threads the process had at once (sampled every quarter second).
    var peakThreads: Int { state.withLock { $0.peakThreads } }

    /// Looks for hung calls, and counts the process's threads, every quarter second
    /// until the task is cancelled.
    func watch() -> Task<Void, Never> {
        Task.detached { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                inspect()
                if let threads = Self.threads() { state.withLock { $0.peakThreads = max($0.peakThreads, threads) } }
            }
        }
    }

    /// Something other than a call that never ended (a dropped bus never freed): hung all the same.
    func flag(_ line: String) {
        state.withLock { $0.hung.append(line) }
        printError("soak: \(line)")
    }

    /// The process's thread count now, from /proc/self/status.
    private static func threads() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
            return Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    private func finish(_ key: Int) {
        let now = clock.now()
        let late = state.withLock { state -> Call? in
            guard let call = state.open.removeValue(forKey: key) else { return nil }
            let kind = String(call.name.prefix { $0 != " " })
            let took = now - call.started
            let times = state.times[kind] ?? (0, 0, 0)
            state.times[kind] = (times.count + 1, times.total + took, max(times.longest, took))
            // Returned late, between two inspections: hung all the same.
            return !call.hung && now - call.started > call.bound ? call : nil
        }
        if let late { report([late], now: now, stillRunning: false) }
    }

    private func inspect() {
        let now = clock.now()
        let overdue = state.withLock { state -> [Call] in
            var overdue: [Call] = []
            for (key, call) in state.open where !call.hung && now - call.started > call.bound {
                state.open[key]?.hung = true
                overdue.append(call)
            }
            return overdue
        }
        if !overdue.isEmpty { report(overdue, now: now, stillRunning: true) }
    }

    private func report(_ calls: [Call], now: Double, stillRunning: Bool) {
        let lines = calls.map { call in
            "hung: \(call.name) on \(call.bus), started at \(fixed(call.started)) s, "
                + "\(stillRunning ? "still running" : "returned only") after \(fixed(now - call.started)) s "
                + "(bound \(fixed(call.bound, 0)) s)"
        }
        let dump = state.withLock { state -> Bool in
            state.hung.append(contentsOf: lines)
            defer { state.dumped = true }
            return !state.dumped
        }
        for line in lines { printError("soak: \(line)") }
        if dump { dumpStacks() }
    }

    /// `gdb -p <pid> -batch -ex "thread apply all bt"` into a file, off the
    /// cooperative pool (gdb stops the whole process while it reads the stacks).
    private func dumpStacks() {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/gdb" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            printError("soak: no gdb on PATH: no thread stacks")
            return
        }
        let pid = ProcessInfo.processInfo.processIdentifier
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("event-bus-soak-\(pid)-stacks.txt")
        Thread.detachNewThread {
            let gdb = Process()
            gdb.executableURL = URL(fileURLWithPath: path)
            gdb.arguments = ["-nx", "-p", "\(pid)", "-batch", "-ex", "thread apply all bt"]
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            guard let output = try? FileHandle(forWritingTo: file) else { return }
            gdb.standardOutput = output
            gdb.standardError = output
            gdb.standardInput = FileHandle.nullDevice
            do {
                try gdb.run()
                gdb.waitUntilExit()
                printError("soak: every thread's stack (gdb): \(file.path)")
            } catch {
                printError("soak: gdb did not run: \(error)")
            }
            try? output.close()
        }
    }
}

/// `value` with `digits` decimals.
func fixed(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

/// One line on stderr.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
