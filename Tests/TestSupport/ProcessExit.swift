// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc

/// Foundation's `Process` on Linux at times never notices that a child exited
/// (the child stays a zombie, `isRunning` stays true and `waitUntilExit` never
/// returns), which hangs a test for ever. These ask the kernel as well, with
/// `waitid` and without reaping the child (Foundation still may).
extension Process {
    /// The exit status once the process has exited, as `terminationStatus`
    /// gives it (the exit code, or the signal's number); nil while it runs.
    package var exitStatus: Int32? {
        guard isRunning else { return terminationStatus }
        var info = siginfo_t()
        guard waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOHANG | WNOWAIT) == 0,
            info._sifields._sigchld.si_pid == processIdentifier
        else { return isRunning ? nil : terminationStatus }
        return info._sifields._sigchld.si_status
    }

    /// Waits until the process has exited; returns its status.
    @discardableResult
    package func waitForExit() -> Int32 {
        while true {
            if let status = exitStatus { return status }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }
}

/// Foundation's `readDataToEndOfFile` and `availableData` stop the whole test
/// process (a `try!`) when a read is interrupted by a signal (EINTR), which a
/// test's children exiting can cause. These read with read(2) and retry.
extension FileHandle {
    /// Everything up to the end.
    package func readToEndRetryingInterrupts() -> Data {
        var data = Data()
        while true {
            let chunk = readSomeRetryingInterrupts()
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }

    /// What can be read now (waiting for at least one byte); empty at the end.
    package func readSomeRetryingInterrupts() -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer[0..<count]) }
            if errno != EINTR { return Data() }
        }
    }
}
