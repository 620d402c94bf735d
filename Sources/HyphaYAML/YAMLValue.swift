// SPDX-License-Identifier: Apache-2.0
/// A YAML value to write: key order kept, every string stays a string when read back.
///
/// Literals build values directly; a dictionary literal keeps the order it was
/// written in:
///
/// ```swift
/// let service: YAMLValue = [
///     "image": "apache/kafka:3.9.1",
///     "ports": ["127.0.0.1:9092:9092"],
///     "restart": "unless-stopped",
/// ]
/// ```
package indirect enum YAMLValue: Sendable, Equatable {
    /// Text. Written plain only when every YAML 1.1 and 1.2 reader reads it back
    /// as this same string; otherwise quoted (or a literal block when multi-line).
    case string(String)
    /// An integer, written plain.
    case int(Int)
    /// `true` or `false`, written plain.
    case bool(Bool)
    /// `null`.
    case null
    /// A list, written as a block sequence (`[]` when empty).
    case sequence([YAMLValue])
    /// A mapping in the given key order, written as a block mapping (`{}` when
    /// empty). Keys are written as given: a repeated key is the caller's error.
    case mapping([(String, YAMLValue)])

    /// Equal when of the same kind with equal contents; mappings compare keys and
    /// values pairwise, in order.
    package static func == (lhs: YAMLValue, rhs: YAMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)): left == right
        case (.int(let left), .int(let right)): left == right
        case (.bool(let left), .bool(let right)): left == right
        case (.null, .null): true
        case (.sequence(let left), .sequence(let right)): left == right
        case (.mapping(let left), .mapping(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}

extension YAMLValue: ExpressibleByStringLiteral {
    /// A `.string`.
    package init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension YAMLValue: ExpressibleByIntegerLiteral {
    /// An `.int`.
    package init(integerLiteral value: Int) {
        self = .int(value)
    }
}

extension YAMLValue: ExpressibleByBooleanLiteral {
    /// A `.bool`.
    package init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension YAMLValue: ExpressibleByArrayLiteral {
    /// A `.sequence`.
    package init(arrayLiteral elements: YAMLValue...) {
        self = .sequence(elements)
    }
}

extension YAMLValue: ExpressibleByDictionaryLiteral {
    /// A `.mapping`, keys in the order they were written.
    package init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self = .mapping(elements)
    }
}
