// SPDX-License-Identifier: Apache-2.0
/// Why some bytes are not one valid JSON value, and where.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 0-based byte offset where the input stopped making sense (the input's
    /// length when it ended too early).
    public let offset: Int
    /// What was wrong there, e.g. `expected ':'`.
    public let reason: String

    /// An error at `offset` for `reason`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// The error as one line, e.g. `invalid JSON at byte 7: expected ':'`.
    public var description: String {
        "invalid JSON at byte \(offset): \(reason)"
    }
}

/// Limits every JSON reader in this module applies.
enum JSONLimits {
    /// The deepest nesting of arrays and objects accepted; one more level is an error.
    static let maximumDepth = 512
}
