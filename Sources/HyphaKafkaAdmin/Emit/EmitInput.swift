// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#endif

/// Where `emit` reads from: DATA given on the command line, a file, or standard input.
package enum EmitInput: Sendable {
    /// DATA.
    case data([UInt8])
    /// `--file PATH` (`-` is standard input).
    case file(String)
    /// Standard input.
    case standardInput

    /// Opens the input for reading.
    package func open() throws(InputSource.Unreadable) -> InputSource {
        switch self {
        case .data(let bytes): return InputSource(bytes: bytes)
        case .file("-"), .standardInput:
            return InputSource(descriptor: STDIN_FILENO, owned: false, name: "standard input")
        case .file(let path):
            let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw InputSource.Unreadable(path: path, errorNumber: errno) }
            return InputSource(descriptor: descriptor, owned: true, name: path)
        }
    }
}

/// An opened input. A regular file is read with `pread` from where it stood when
/// opened, so it can be read twice (`--check-first`) and costs no more memory
/// than the chunk being read; a pipe or a terminal is read as its bytes come.
package final class InputSource: Sendable {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// DATA's bytes; empty for a descriptor.
    private let bytes: [UInt8]
    /// For a regular file: the offset reading started at.
    private let start: Int?
    /// The file, `standard input` or `DATA`, for messages.
    package let name: String

    /// DATA.
    package init(bytes: [UInt8]) {
        self.bytes = bytes
        descriptor = -1
        ownsDescriptor = false
        start = nil
        name = "DATA"
    }

    /// An open descriptor, closed with the source when `owned`.
    package init(descriptor: Int32, owned: Bool, name: String) {
        self.descriptor = descriptor
        ownsDescriptor = owned
        self.name = name
        bytes = []
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
            let offset = lseek(descriptor, 0, SEEK_CUR)
            start = offset >= 0 ? Int(offset) : nil
        } else {
            start = nil
        }
        if start != nil { _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL) }
    }

    deinit {
        if ownsDescriptor { close(descriptor) }
    }

    /// Whether its end is known in advance and it can be read again from its
    /// start: DATA or a regular file, not a pipe or a terminal.
    package var isSeekable: Bool { descriptor < 0 || start != nil }

    /// Reads up to `buffer.count` bytes at `offset` from the start (a pipe ignores
    /// it: it reads what comes next). Blocks until some bytes are there; 0 at the end.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(Unreadable) -> Int {
        guard descriptor >= 0 else {
            let count = max(0, min(buffer.count, bytes.count - offset))
            if count > 0 {
                bytes.withUnsafeBytes {
                    buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count)
                }
            }
            return count
        }
        while true {
            let got =
                if let start { pread(descriptor, buffer.baseAddress, buffer.count, off_t(start + offset)) } else {
                    Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                }
            if got >= 0 { return got }
            switch errno {
            case EINTR: continue
            case EAGAIN: // a descriptor left non-blocking by whoever started us
                var wanted = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&wanted, 1, -1)
            default: throw Unreadable(path: name, errorNumber: errno)
            }
        }
    }

    /// Waits up to `timeoutMilliseconds` for input to read (or its end); true at
    /// once for DATA and regular files, which never make a reader wait.
    package func awaitInput(timeoutMilliseconds: Int32) -> Bool {
        guard descriptor >= 0, start == nil else { return true }
        var wanted = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&wanted, 1, timeoutMilliseconds) != 0
    }

    /// Everything from `offset` to the end, for an input that is one event.
    package func readAll() throws(Unreadable) -> [UInt8] {
        if descriptor < 0 { return bytes }
        var all: [UInt8] = []
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let got = try read(into: chunk, at: all.count)
            if got == 0 { return all }
            all.append(contentsOf: chunk[0..<got])
        }
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
