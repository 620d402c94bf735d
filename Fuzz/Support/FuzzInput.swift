// SPDX-License-Identifier: Apache-2.0
/// Reads a fuzzer's input piece by piece; past the end every read gives zeros or
/// nothing, so any input splits into all its parts.
struct FuzzInput {
    /// What has not been read yet.
    private(set) var rest: UnsafeRawBufferPointer

    /// The input libFuzzer hands to `LLVMFuzzerTestOneInput`.
    init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        rest = UnsafeRawBufferPointer(start: data, count: size)
    }

    /// The next byte, 0 past the end.
    mutating func byte() -> UInt8 {
        bytes(1).first ?? 0
    }

    /// The next `count` bytes, fewer at the end.
    mutating func bytes(_ count: Int) -> UnsafeRawBufferPointer {
        let taken = UnsafeRawBufferPointer(rebasing: rest.prefix(count))
        rest = UnsafeRawBufferPointer(rebasing: rest.dropFirst(taken.count))
        return taken
    }

    /// The next integer, big-endian, its missing low bytes 0 at the end.
    mutating func integer<T: FixedWidthInteger>(_: T.Type) -> T {
        var value: T = 0
        for _ in 0..<MemoryLayout<T>.size {
            value = value << 8 | T(truncatingIfNeeded: byte())
        }
        return value
    }
}

/// Stops the run when an invariant does not hold, so libFuzzer keeps the input as
/// a crash. `fatalError` stays in `-O` builds, unlike `assert`.
func invariant(
    _ holds: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !holds() { fatalError("invariant broken: \(message())", file: file, line: line) }
}
