// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// What scripts/test hands the broker tests. A missing value fails the test
/// that needs it: these tests never skip.
enum TestEnvironment {
    static let variables = ProcessInfo.processInfo.environment

    static func require(_ name: String) throws -> String {
        try #require(
            variables[name].flatMap { $0.isEmpty ? nil : $0 },
            "\(name) is not set: run the broker tests through scripts/test, which starts a broker")
    }

    /// `127.0.0.1:PORT` of the test run's broker.
    static func bootstrap() throws -> String { try require("HYPHA_TEST_BOOTSTRAP") }

    /// A fresh event name, so that each test has topics of its own.
    static func uniqueEvent(_ prefix: String = "t") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// What a finished process left.
struct ProcessResult {
    let status: Int32
    let stdout: Data
    let stderr: String
    let seconds: Double

    var output: String { String(decoding: stdout, as: UTF8.self) }
    var lines: [String] { output.split(separator: "\n").map(String.init) }

    /// stdout's lines parsed as JSON objects.
    func jsonLines() throws -> [[String: Any]] {
        try lines.map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }
}

/// Runs a program to its end, feeding stdin and collecting stdout and stderr.
enum Subprocess {
    static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil,
        environment: [String: String]? = nil, timeout: Double = 60
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        let started = Date()
        try process.run()
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, isError: isError)
                group.leave()
            }
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            Issue.record("\(executable) \(arguments.joined(separator: " ")) did not end within \(timeout) s")
            group.wait()
        }
        process.waitUntilExit()
        let (out, err) = collected.values
        return ProcessResult(
            status: process.terminationStatus, stdout: out,
            stderr: String(decoding: err, as: UTF8.self), seconds: Date().timeIntervalSince(started))
    }

    private final class Collected: @unchecked Sendable {
        // @unchecked Sendable: written once per pipe under the lock, read after both ended.
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func store(_ data: Data, isError: Bool) {
            lock.withLock { if isError { err = data } else { out = data } }
        }
        var values: (Data, Data) { lock.withLock { (out, err) } }
    }
}

/// The hyphactl binary under test, against the test broker.
enum Hyphactl {
    static func binary() throws -> String { try TestEnvironment.require("HYPHACTL_BIN") }

    /// `hyphactl ARGS -b <test broker>`.
    static func run(_ arguments: [String], stdin: Data? = nil, bootstrap: String? = nil, timeout: Double = 60) throws
        -> ProcessResult
    {
        let broker = try bootstrap ?? TestEnvironment.bootstrap()
        return try Subprocess.run(
            try binary(), arguments + ["-b", broker, "--no-color"], stdin: stdin, timeout: timeout)
    }

    /// Like `run`, and the command must succeed.
    @discardableResult
    static func succeed(_ arguments: [String], stdin: Data? = nil, timeout: Double = 60) throws -> ProcessResult {
        let result = try run(arguments, stdin: stdin, timeout: timeout)
        #expect(
            result.status == 0, "hyphactl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)"
        )
        return result
    }
}

/// The aiokafka peer that behaves like a Python Hypha server on the wire.
enum PythonPeer {
    static func run(_ arguments: [String], stdin: Data? = nil, timeout: Double = 60) throws -> ProcessResult {
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let script = try TestEnvironment.require("HYPHA_TEST_PEER")
        return try Subprocess.run(
            python, [script] + arguments + ["--bootstrap", try TestEnvironment.bootstrap()],
            stdin: stdin, timeout: timeout)
    }

    /// Sends events given as `{"event","type","data"}` objects; returns what the peer printed.
    static func produce(_ events: [[String: Any]]) throws -> [[String: Any]] {
        let lines = try events.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let result = try run(["produce", "--events", "-"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(result.status == 0, "peer produce failed: \(result.stderr)")
        return try result.jsonLines()
    }
}

/// A peer left running in the background, e.g. a consuming Hypha-like server.
final class BackgroundPeer {
    private let process = Process()
    private let output = Pipe()

    /// Starts the peer and waits until it prints `{"ready": true}`.
    init(_ arguments: [String], readyWithin timeout: Double = 30) throws {
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let script = try TestEnvironment.require("HYPHA_TEST_PEER")
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script] + arguments + ["--bootstrap", try TestEnvironment.bootstrap()]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let line = output.fileHandleForReading.availableLine(timeout: deadline.timeIntervalSinceNow) else {
                break
            }
            if line.contains("\"ready\"") { return }
        }
        stop()
        throw PeerNotReady()
    }

    struct PeerNotReady: Error {}

    /// Waits for the peer to end by itself and returns the JSON lines it printed after "ready".
    func finish() throws -> [[String: Any]] {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Ends the peer at once, as a crash would (the test runner may hand its
    /// children SIGTERM ignored, so SIGKILL).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

/// A Tansu broker of the test's own, for tests that must see the whole cluster
/// without other tests' traffic.
final class PrivateBroker {
    private let process = Process()
    /// `127.0.0.1:PORT`.
    let bootstrap: String

    init() throws {
        let tansu = try TestEnvironment.require("HYPHA_TEST_TANSU")
        let port = try Self.freePort()
        bootstrap = "127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: tansu)
        process.arguments = [
            "broker", "--listener-url", "tcp://\(bootstrap)", "--advertised-listener-url", "tcp://\(bootstrap)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Foundation.kill(process.processIdentifier, SIGKILL)
        throw BrokerDidNotStart()
    }

    struct BrokerDidNotStart: Error {}

    /// Ends the broker at once, as a crash or an OOM kill would.
    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A loopback port nobody listens on now.
    static func freePort() throws -> UInt16 {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    static func accepts(_ port: UInt16) -> Bool {
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    }
}
