// SPDX-License-Identifier: Apache-2.0
/// A place in a YAML text, 1-based, as people count.
public struct YAMLPosition: Sendable, Equatable, CustomStringConvertible {
    /// The line, from 1.
    public let line: Int
    /// The column, from 1.
    public let column: Int

    /// The place at `line` and `column`, both counted from 1.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line 9, column 13`.
    public var description: String { "line \(line), column \(column)" }
}

/// A YAML document as a tree that remembers where each node stood.
public indirect enum YAMLNode: Sendable {
    /// A scalar: its text, whether it was written plain (unquoted, so it may be a
    /// number or a boolean), and where.
    case scalar(String, plain: Bool, YAMLPosition)
    /// A sequence of nodes.
    case sequence([YAMLNode], YAMLPosition)
    /// A mapping, keys in document order.
    case mapping([(key: YAMLNode, value: YAMLNode)], YAMLPosition)

    /// Where the node starts.
    public var position: YAMLPosition {
        switch self {
        case .scalar(_, _, let position), .sequence(_, let position), .mapping(_, let position): position
        }
    }

    /// The scalar's text; nil for collections.
    public var scalarText: String? {
        if case .scalar(let text, _, _) = self { text } else { nil }
    }

    /// A plain scalar that YAML reads as null (`~`, `null`, empty).
    public var isNull: Bool {
        if case .scalar(let text, true, _) = self { ["", "~", "null", "Null", "NULL"].contains(text) } else { false }
    }

    /// What kind of node this is, for error messages.
    public var kindName: String {
        switch self {
        case .scalar: "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// Why a YAML text could not be read.
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public let message: String
    /// Where, when known.
    public let position: YAMLPosition?

    /// `message`, at `position` when the error has one.
    public init(_ message: String, at position: YAMLPosition?) {
        self.message = message
        self.position = position
    }

    /// `message at line 3, column 7`.
    public var description: String {
        position.map { "\(message) at \($0)" } ?? message
    }
}
