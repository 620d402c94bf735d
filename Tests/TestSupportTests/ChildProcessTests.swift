// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc
import TestSupport
import Testing

@Suite("the tests' own child processes")
struct ChildProcessTests {
    @Test("the exit code, or the number of the signal that ended it")
    func exitStatus() throws {
        #expect(try Subprocess.run("/bin/sh", ["-c", "exit 3"]).status == 3)
        let sleeper = try ChildProcess("/bin/sleep", ["600"])
        #expect(sleeper.exitStatus == nil)
        sleeper.signal(SIGTERM)
        #expect(sleeper.waitForExit() == SIGTERM)
        #expect(!sleeper.isRunning)
    }

    @Test("stdin in, stdout and stderr apart, or stderr into stdout")
    func streams() throws {
        let apart = try Subprocess.run("/bin/sh", ["-c", "cat; echo oops >&2"], stdin: Data("in\n".utf8))
        #expect(apart.output == "in\n")
        #expect(apart.stderr == "oops\n")
        let merged = try ChildProcess("/bin/sh", ["-c", "echo out; echo err >&2"], stdout: .pipe, stderr: .output)
        let text = String(decoding: try #require(merged.output).readToEndRetryingInterrupts(), as: UTF8.self)
        #expect(merged.waitForExit() == 0)
        #expect(text == "out\nerr\n")
    }

    @Test("the environment given, and only it")
    func environment() throws {
        let run = try Subprocess.run("/usr/bin/env", [], environment: ["ONLY": "this"])
        #expect(run.output == "ONLY=this\n")
    }

    @Test("no descriptor of the test process but the three it is given")
    func descriptors() throws {
        // One of ours, open without close-on-exec.
        let stray = open("/dev/null", O_RDONLY)
        defer { close(stray) }
        let run = try Subprocess.run("/bin/ls", ["/proc/self/fd"])
        // ls's own directory descriptor is the fourth.
        #expect(run.lines.compactMap { Int($0) }.filter { $0 > 3 } == [], "\(run.output)")
    }

    @Test("every signal's default action, whatever the test process ignores")
    func signalDefaults() throws {
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let child = try ChildProcess("/bin/sleep", ["600"])
        child.signal(SIGTERM)
        // A child that ignored it would sleep on: give it 60 s, then kill it.
        let deadline = Date().addingTimeInterval(60)
        while child.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(child.exitStatus == SIGTERM)
    }

    @Test("a program that is not there fails to start, with the reason")
    func missingProgram() throws {
        let error = #expect(throws: ChildProcess.Failure.self) {
            try ChildProcess("/nonexistent/program", [])
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("No such file"))
    }
}
