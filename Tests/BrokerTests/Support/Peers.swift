// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

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
    private let process: ChildProcess
    private let output: FileHandle

    /// Starts the peer and waits until it prints `{"ready": true}`.
    init(_ arguments: [String], readyWithin timeout: Double = 30) throws {
        let python = try TestEnvironment.require("HYPHA_TEST_PYTHON")
        let script = try TestEnvironment.require("HYPHA_TEST_PEER")
        process = try ChildProcess(
            python, [script] + arguments + ["--bootstrap", try TestEnvironment.bootstrap()], stdout: .pipe)
        output = try #require(process.output)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard let line = output.availableLine(timeout: deadline.timeIntervalSinceNow) else {
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
        let data = output.readToEndRetryingInterrupts()
        process.waitForExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Ends the peer at once, as a crash would (the test runner may hand its
    /// children SIGTERM ignored, so SIGKILL).
    func stop() {
        process.signal(SIGKILL)
        process.waitForExit()
    }

    deinit { stop() }
}

/// A Tansu broker of the test's own, for tests that must see the whole cluster
/// without other tests' traffic.
final class PrivateBroker {
    private let process: ChildProcess
    /// `127.0.0.1:PORT`.
    let bootstrap: String

    init() throws {
        let tansu = try TestEnvironment.require("HYPHA_TEST_TANSU")
        let port = try Self.freePort()
        bootstrap = "127.0.0.1:\(port)"
        process = try ChildProcess(
            tansu,
            ["broker", "--listener-url", "tcp://\(bootstrap)", "--advertised-listener-url", "tcp://\(bootstrap)"])
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if Self.accepts(port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        process.signal(SIGKILL)
        throw BrokerDidNotStart()
    }

    struct BrokerDidNotStart: Error {}

    /// Ends the broker at once, as a crash or an OOM kill would.
    func kill() {
        process.signal(SIGKILL)
        process.waitForExit()
    }

    deinit { kill() }

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
