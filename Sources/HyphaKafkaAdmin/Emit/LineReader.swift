// SPDX-License-Identifier: Apache-2.0
#if canImport(Glibc)
    import Glibc
#endif

/// One line of `emit --lines`/`--jsonl` input.
package enum InputLine {
    /// A line that is not empty, without its `\n` or `\r\n`; its bytes are valid
    /// only during the call that hands them over. Lines are numbered from 1,
    /// empty lines included.
    case text(number: Int, bytes: UnsafeRawBufferPointer)
    /// A line longer than the reader's limit: skipped as it is read, never held whole.
    case tooLong(number: Int, length: Int)
}

/// Splits an input into lines as it is read, a chunk at a time: only the
/// unfinished last line is kept from one chunk to the next, so memory stays
/// bounded by the chunk plus the longest line taken, whatever the input's length.
/// `\n` or `\r\n` ends a line, and so does the end of the input.
package final class LineReader {
    private let source: InputSource
    private let chunkSize: Int
    /// The longest line handed over as `.text`; longer ones come as `.tooLong`.
    package let maximumLineLength: Int
    private var buffer: UnsafeMutableRawBufferPointer
    /// The unfinished line, at the start of `buffer`.
    private var pending = 0
    /// Bytes read from the source so far.
    private var offset = 0
    /// Lines ended so far.
    private var lineCount = 0
    /// The length so far of a line over the limit that is being skipped.
    private var skipped: Int?
    /// Whether the source has reached its end.
    package private(set) var atEnd = false

    /// A reader of `source` that reads `chunkSize` bytes at a time (256 KiB: a few
    /// pipe buffers' worth per read; larger chunks were no faster in bench runs).
    package init(_ source: InputSource, maximumLineLength: Int, chunkSize: Int = 256 << 10) {
        self.source = source
        self.maximumLineLength = max(1, maximumLineLength)
        self.chunkSize = max(1, chunkSize)
        buffer = .allocate(byteCount: self.chunkSize, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The buffer's size now: at most twice the chunk and the longest line taken together.
    package var capacity: Int { buffer.count }

    /// Reads once (waiting until some input is there) and hands `body` each line
    /// that read completed, in order; at the end of the input, the last line too.
    /// `body` returns false to stop: the lines after it in this read are dropped.
    /// False once the input has ended.
    package func readLines(_ body: (InputLine) -> Bool) throws(InputSource.Unreadable) -> Bool {
        guard !atEnd else { return false }
        if buffer.count - pending < chunkSize {
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: max(buffer.count * 2, pending + chunkSize), alignment: 16)
            grown.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: pending)
            buffer.deallocate()
            buffer = grown
        }
        let got = try source.read(
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[pending...]), at: offset)
        offset += got
        let base = UnsafeRawPointer(buffer.baseAddress!)
        let end = pending + got
        var start = 0
        var searchFrom = pending
        while searchFrom < end, let newline = memchr(base + searchFrom, 0x0A, end - searchFrom) {
            let stop = base.distance(to: UnsafeRawPointer(newline))
            lineCount += 1
            if !hand(start..<stop, body) {
                pending = 0
                atEnd = true
                return false
            }
            start = stop + 1
            searchFrom = start
        }
        if got == 0 {
            atEnd = true
            if start < end || skipped != nil {
                lineCount += 1
                _ = hand(start..<end, body)
            }
            pending = 0
            return false
        }
        pending = end - start
        if pending > 0 && start > 0 {
            memmove(buffer.baseAddress!, base + start, pending)
        }
        if pending > maximumLineLength + 1 {
            // Over the limit even with a `\r` to cut: skipped from now on, not
            // kept, but for a last `\r`, which may yet end it and is not counted.
            let carriageReturn = buffer[pending - 1] == 0x0D
            skipped = (skipped ?? 0) + pending - (carriageReturn ? 1 : 0)
            if carriageReturn { buffer[0] = 0x0D }
            pending = carriageReturn ? 1 : 0
        }
        return true
    }

    /// Hands over the line in `range` of the buffer (its `\r` cut), or the line
    /// being skipped; true to go on.
    private func hand(_ range: Range<Int>, _ body: (InputLine) -> Bool) -> Bool {
        var stop = range.upperBound
        if stop > range.lowerBound && buffer[stop - 1] == 0x0D { stop -= 1 }
        if let skipped {
            self.skipped = nil
            return body(.tooLong(number: lineCount, length: skipped + stop - range.lowerBound))
        }
        guard stop > range.lowerBound else { return true }
        guard stop - range.lowerBound <= maximumLineLength else {
            return body(.tooLong(number: lineCount, length: stop - range.lowerBound))
        }
        return body(.text(number: lineCount, bytes: UnsafeRawBufferPointer(rebasing: buffer[range.lowerBound..<stop])))
    }

    /// Starts again from the first line, for an input that can be read twice
    /// (``InputSource/isSeekable``).
    package func restart() {
        precondition(source.isSeekable, "a pipe cannot be read twice")
        pending = 0
        offset = 0
        lineCount = 0
        skipped = nil
        atEnd = false
    }
}
