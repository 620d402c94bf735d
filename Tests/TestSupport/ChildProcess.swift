// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc

/// A program the tests start, with `posix_spawn` rather than Foundation's
/// `Process`. On Linux `Process.run()` at times crashed the whole test process
/// (a memcpy out of bounds while it closed the parent's descriptors) and at
/// times never noticed that its child exited; a suite that starts hundreds of
/// children must not depend on either.
///
/// The child gets every signal's default action and an empty signal mask (a
/// test runner may ignore SIGPIPE or SIGTERM, and an ignored signal outlives
/// exec), and no descriptor of the test process but the three it is given.
/// It is reaped here, once, by whoever asks first; `deinit` kills and reaps a
/// child still running.
package final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: `pid` and the handles are set in init; `status` is
    // read and written under `lock`.

    /// Where one of the child's standard streams goes.
    package enum Stream {
        /// /dev/null.
        case null
        /// A pipe whose other end the test holds (`input`, `output`, `errors`).
        case pipe
        /// The test process's own.
        case inherit
        /// The same pipe as its stdout (for stderr only).
        case output
    }

    package let pid: pid_t
    /// The write end of its stdin, with `.pipe`.
    package let input: FileHandle?
    /// The read end of its stdout, with `.pipe`.
    package let output: FileHandle?
    /// The read end of its stderr, with `.pipe`.
    package let errors: FileHandle?

    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable ARGUMENTS` with `environment` (nil: the test's own).
    package init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null
    ) throws {
        Self.pipesFailRatherThanKill
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // The ends the child gets, closed here once it has them; ours are in
        // `handles`, closed with them if the child does not start.
        var childEnds: [Int32] = []
        defer { for end in childEnds { close(end) } }
        func pipeEnds() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw Failure(call: "pipe", code: errno) }
            // Close-on-exec: no other child started meanwhile keeps this pipe open.
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return (ends[0], ends[1])
        }
        var handles: [FileHandle?] = [nil, nil, nil]
        var stdoutWriteEnd: Int32?
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit:
                continue
            case .null:
                posix_spawn_file_actions_addopen(
                    &actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .pipe:
                let ends = try pipeEnds()
                let (child, parent) = target == 0 ? (ends.read, ends.write) : (ends.write, ends.read)
                childEnds.append(child)
                if target == 1 { stdoutWriteEnd = child }
                posix_spawn_file_actions_adddup2(&actions, child, target)
                handles[Int(target)] = FileHandle(fileDescriptor: parent, closeOnDealloc: true)
            case .output:
                guard let end = stdoutWriteEnd else {
                    throw Failure(call: "stderr: .output without stdout: .pipe", code: EINVAL)
                }
                posix_spawn_file_actions_adddup2(&actions, end, target)
            }
        }
        _ = Self.closeFrom?(&actions, 3)

        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var noSignal = sigset_t()
        sigemptyset(&noSignal)
        posix_spawnattr_setsigmask(&attributes, &noSignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") }
        let envp = variables + [nil]
        defer { for variable in variables { free(variable) } }

        var child: pid_t = 0
        let code = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            throw Failure(call: "posix_spawn \(executable)", code: code)
        }
        pid = child
        (input, output, errors) = (handles[0], handles[1], handles[2])
    }

    /// A write to a child that has ended fails with EPIPE instead of killing
    /// the test process with SIGPIPE (the children get the default back).
    private static let pipesFailRatherThanKill: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// `posix_spawn_file_actions_addclosefrom_np` (glibc 2.34), looked up at run
    /// time since the Glibc module does not declare it: the child gets none of
    /// the test process's other descriptors, even one another thread opened
    /// without close-on-exec (or a pipe here between `pipe` and `fcntl`).
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np").map {
            unsafeBitCast(
                $0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }

    /// A failed system call.
    package struct Failure: Error, CustomStringConvertible {
        let call: String
        let code: Int32
        package var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    /// The exit code, or the number of the signal that ended it; nil while it runs.
    package var exitStatus: Int32? { reap(blocking: false) }

    package var isRunning: Bool { exitStatus == nil }

    /// Waits until it has exited; its `exitStatus`.
    @discardableResult
    package func waitForExit() -> Int32 {
        while true {
            if let status = reap(blocking: true) { return status }
        }
    }

    /// Sends a signal (nothing once it has been reaped: its pid may be another's).
    package func signal(_ number: Int32) {
        lock.withLock { if status == nil { _ = kill(pid, number) } }
    }

    private func reap(blocking: Bool) -> Int32? {
        if let known = lock.withLock({ status }) { return known }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
        if result == pid {
            // WIFEXITED: the low 7 bits are 0, the code is in the next byte; else they are the signal.
            let value = raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
            lock.withLock { status = value }
            return value
        }
        if result == -1 && errno == ECHILD {
            // Reaped by another thread's call a moment ago: its status is being stored.
            while true {
                if let known = lock.withLock({ status }) { return known }
                usleep(1000)
            }
        }
        return nil
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            waitForExit()
        }
    }
}
