// SPDX-License-Identifier: Apache-2.0
/// A write position in memory its owner has already sized: writes are unchecked,
/// so the owner reserves an upper bound first (``Swift/Array/appendBytes(upTo:_:)``).
///
/// The hot path (one `tail` record per message) writes through a cursor because a
/// run of small `Array.append` calls costs about a hundred instructions each.
struct ByteCursor {
    /// Where the next byte goes.
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) {
        position = start
    }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        position.pointee = byte
        position += 1
    }

    @inline(__always)
    mutating func put(_ literal: StaticString) {
        let count = literal.utf8CodeUnitCount
        position.update(from: literal.utf8Start, count: count)
        position += count
    }

    @inline(__always)
    mutating func put(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { put($0) }
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        UnsafeMutableRawPointer(position).copyMemory(from: source, byteCount: bytes.count)
        position += bytes.count
    }

    /// `value` in decimal, zero-padded to `minimumWidth` digits after any `-`
    /// (at most 20 digits plus the sign, or `minimumWidth` if more).
    @inline(__always)
    mutating func putDecimal(_ value: some BinaryInteger, minimumWidth: Int = 1) {
        if value < 0 { put(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        var width = 1
        var rest = magnitude / 10
        while rest != 0 {
            width += 1
            rest /= 10
        }
        width = Swift.max(width, minimumWidth)
        var index = width - 1
        while index >= 0 {
            position[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: magnitude % 10)
            magnitude /= 10
            index -= 1
        }
        position += width
    }
}

extension Array where Element == UInt8 {
    /// Appends what `body` writes through a cursor, which must be at most `bound` bytes.
    @inline(__always)
    mutating func appendBytes(upTo bound: Int, _ body: (inout ByteCursor) -> Void) {
        guard bound > 0 else { return }
        // Written in scratch room (on the stack when small) and copied once: cheaper
        // than growing the array by `bound` zeros and cutting the rest off again.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bound) { scratch in
            let base = scratch.baseAddress!
            var cursor = ByteCursor(base)
            body(&cursor)
            let written = cursor.position - base
            // Past the bound memory is already damaged; stop rather than go on with it.
            precondition(written <= bound, "wrote \(written) bytes into room for \(bound)")
            append(contentsOf: UnsafeBufferPointer(start: base, count: written))
        }
    }
}
