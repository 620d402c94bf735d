// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
    import HyphaEventBus
#endif

/// The whole input of `emit`, held once: a regular file is mapped rather than
/// copied (a million events are a hundred megabytes), anything else is read.
package final class InputBytes: Sendable {
    // Sendable: the bytes are never written after init, and unmapped only in deinit.
    /// The mapping, for a mapped file; nil when the bytes are `owned`.
    private nonisolated(unsafe) let base: UnsafeRawPointer?
    /// How many bytes there are.
    package let count: Int
    private let owned: [UInt8]

    /// Bytes already in memory.
    package init(_ bytes: [UInt8]) {
        owned = bytes
        base = nil
        count = bytes.count
    }

    private init(mapping base: UnsafeRawPointer, count: Int) {
        self.base = base
        self.count = count
        owned = []
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// The contents of the file at `path`: mapped when it is a regular file that
    /// is not empty, read to its end otherwise (a pipe, `/dev/stdin`).
    package static func contents(ofFile path: String) throws(Unreadable) -> InputBytes {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Unreadable(path: path, errorNumber: errno) }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_size > 0,
            let region = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0), region != MAP_FAILED
        {
            madvise(region, Int(status.st_size), MADV_SEQUENTIAL)
            return InputBytes(mapping: UnsafeRawPointer(region), count: Int(status.st_size))
        }
        return try InputBytes(readingToEnd: descriptor, path: path)
    }

    /// Everything on standard input.
    package static func standardInput() throws(Unreadable) -> InputBytes {
        try InputBytes(readingToEnd: STDIN_FILENO, path: "standard input")
    }

    private convenience init(readingToEnd descriptor: Int32, path: String) throws(Unreadable) {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                throw Unreadable(path: path, errorNumber: errno)
            }
            bytes.append(contentsOf: chunk[0..<got])
        }
        self.init(bytes)
    }

    /// Runs `body` on the bytes.
    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if let base { return try body(UnsafeRawBufferPointer(start: base, count: count)) }
        return try owned.withUnsafeBytes(body)
    }

    /// An input that could not be read.
    package struct Unreadable: Error, Sendable, CustomStringConvertible {
        /// The file, or "standard input".
        package let path: String
        /// errno.
        package let errorNumber: Int32
        /// e.g. `cannot read events.jsonl: No such file or directory`.
        package var description: String { "cannot read \(path): \(String(cString: strerror(errorNumber)))" }
    }
}
