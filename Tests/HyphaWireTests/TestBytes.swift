// SPDX-License-Identifier: Apache-2.0
/// Small helpers for handing bytes to the raw-buffer APIs.

/// The UTF-8 of `text`.
func utf8(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// Runs `body` on `bytes` as a raw buffer, or on nil.
func withRawBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let bytes else { return body(nil) }
    return bytes.withUnsafeBytes { body($0) }
}

/// Runs `body` on two optional byte arrays as raw buffers.
func withRawBytes<R>(
    _ first: [UInt8]?, _ second: [UInt8]?, _ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?) -> R
) -> R {
    withRawBytes(first) { a in withRawBytes(second) { b in body(a, b) } }
}
