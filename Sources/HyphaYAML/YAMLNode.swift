// SPDX-License-Identifier: Apache-2.0
/// A place in a YAML text, 1-based, as people count.
package struct YAMLPosition: Sendable, Equatable, CustomStringConvertible {
    /// The line, from 1.
    package let line: Int
    /// The column, from 1.
    package let column: Int

    /// The place at `line` and `column`, both counted from 1.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line 9, column 13`.
    package var description: String { "line \(line), column \(column)" }
}

/// A YAML document as a tree that remembers where each node stood.
package indirect enum YAMLNode: Sendable {
    /// A scalar: its text, whether it was written plain (unquoted, so it may be a
    /// number or a boolean), and where.
    case scalar(String, plain: Bool, YAMLPosition)
    /// A sequence of nodes.
    case sequence([YAMLNode], YAMLPosition)
    /// A mapping, keys in document order.
    case mapping([(key: YAMLNode, value: YAMLNode)], YAMLPosition)

    /// Where the node starts.
    package var position: YAMLPosition {
        switch self {
        case .scalar(_, _, let position), .sequence(_, let position), .mapping(_, let position): position
        }
    }

    /// The scalar's text; nil for collections.
    package var scalarText: String? {
        if case .scalar(let text, _, _) = self { text } else { nil }
    }

    /// A plain scalar that YAML reads as null (`~`, `null`, empty).
    package var isNull: Bool {
        if case .scalar(let text, true, _) = self { ["", "~", "null", "Null", "NULL"].contains(text) } else { false }
    }

    /// What kind of node this is, for error messages.
    package var kindName: String {
        switch self {
        case .scalar: "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// Why a YAML text could not be read.
package struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    package let message: String
    /// Where, when known.
    package let position: YAMLPosition?

    /// `message`, at `position` when the error has one.
    package init(_ message: String, at position: YAMLPosition?) {
        self.message = message
        self.position = position
    }

    /// `message at line 3, column 7`.
    package var description: String {
        position.map { "\(message) at \($0)" } ?? message
    }
}
