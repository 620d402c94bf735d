// SPDX-License-Identifier: Apache-2.0
import Foundation
import Testing

/// What scripts/test hands the tests: the broker, the programs under test. A
/// missing value fails the test that needs it: these tests never skip.
package enum TestEnvironment {
    package static let variables = ProcessInfo.processInfo.environment

    /// `$name`; unset or empty fails the test.
    package static func require(_ name: String) throws -> String {
        try #require(
            variables[name].flatMap { $0.isEmpty ? nil : $0 },
            "\(name) is not set: run the broker tests through scripts/test, which starts a broker")
    }

    /// `127.0.0.1:PORT` of the test run's broker.
    package static func bootstrap() throws -> String { try require("HYPHA_TEST_BOOTSTRAP") }

    /// A program this build made: `$variable` when set (scripts/test sets it, for a
    /// sanitized build too), else `name` beside the running test executable, where
    /// `swift build` puts every product.
    package static func built(_ name: String, overriddenBy variable: String) throws -> String {
        if let path = variables[variable], !path.isEmpty { return path }
        let folder = try #require(Bundle.main.executableURL, "no path to the test executable")
            .deletingLastPathComponent()
        let path = folder.appendingPathComponent(name).path
        try #require(
            FileManager.default.isExecutableFile(atPath: path),
            "\(path) is not built: run `swift build --product \(name)`, or set \(variable)")
        return path
    }

    /// A fresh event name, so that each test has topics of its own.
    package static func uniqueEvent(_ prefix: String = "t") -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// What a finished process left.
package struct ProcessResult {
    package let status: Int32
    package let stdout: Data
    package let stderr: String
    package let seconds: Double

    package init(status: Int32, stdout: Data, stderr: String, seconds: Double) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
    }

    package var output: String { String(decoding: stdout, as: UTF8.self) }
    package var lines: [String] { output.split(separator: "\n").map(String.init) }

    /// stdout's lines parsed as JSON objects.
    package func jsonLines() throws -> [[String: Any]] {
        try lines.map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)")
        }
    }
}

/// Runs a program to its end, feeding stdin and collecting stdout and stderr.
package enum Subprocess {
    package static func run(
        _ executable: String, _ arguments: [String], stdin: Data? = nil,
        environment: [String: String]? = nil, timeout: Double = 60
    ) throws -> ProcessResult {
        let started = Date()
        let process = try ChildProcess(
            executable, arguments, environment: environment, stdin: .pipe, stdout: .pipe, stderr: .pipe)
        let collected = Collected()
        let group = DispatchGroup()
        for (handle, isError) in [(process.output, false), (process.errors, true)] {
            guard let handle else { continue }
            group.enter()
            DispatchQueue.global().async {
                let data = handle.readToEndRetryingInterrupts()
                collected.store(data, isError: isError)
                group.leave()
            }
        }
        if let stdin { try? process.input?.write(contentsOf: stdin) }
        try process.input?.close()
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.signal(SIGKILL)
            Issue.record("\(executable) \(arguments.joined(separator: " ")) did not end within \(timeout) s")
            group.wait()
        }
        let status = process.waitForExit()
        let (out, err) = collected.values
        return ProcessResult(
            status: status, stdout: out,
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
package enum Hyphactl {
    package static func binary() throws -> String {
        try TestEnvironment.built("hyphactl", overriddenBy: "HYPHACTL_BIN")
    }

    /// `hyphactl ARGS -b <test broker>`.
    package static func run(_ arguments: [String], stdin: Data? = nil, bootstrap: String? = nil, timeout: Double = 60)
        throws
        -> ProcessResult
    {
        let broker = try bootstrap ?? TestEnvironment.bootstrap()
        return try Subprocess.run(
            try binary(), arguments + ["-b", broker, "--no-color"], stdin: stdin, timeout: timeout)
    }

    /// Like `run`, and the command must succeed.
    @discardableResult
    package static func succeed(_ arguments: [String], stdin: Data? = nil, timeout: Double = 60) throws -> ProcessResult
    {
        let result = try run(arguments, stdin: stdin, timeout: timeout)
        #expect(
            result.status == 0, "hyphactl \(arguments.joined(separator: " ")) exited \(result.status): \(result.stderr)"
        )
        return result
    }
}
