// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc

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
