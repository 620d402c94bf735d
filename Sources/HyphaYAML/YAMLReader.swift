// SPDX-License-Identifier: Apache-2.0
import CYAML

/// Reads YAML with libyaml into `YAMLNode`s, keeping positions.
///
/// Aliases are expanded, but the number of nodes an expansion may add is bounded,
/// so an alias bomb fails fast in bounded memory. Nesting is bounded too, aliases
/// included, so that no tree is too deep to walk or free. Duplicate keys are errors.
package enum YAMLReader {
    /// The most nodes one document may expand to (aliases counted as copies).
    package static let nodeLimit = 100_000

    /// The most sequences and mappings one document may nest one inside another
    /// (aliases expanded); one more level is an error.
    package static let depthLimit = 512

    /// The first document of `text`; nil for an empty stream.
    package static func read(_ text: String) throws(YAMLError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        if bytes.contains(0) { throw YAMLError("the file contains NUL bytes: not YAML text", at: nil) }
        return try bytes.withUnsafeMutableBufferPointer { (buffer) throws(YAMLError) in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError("libyaml could not start", at: nil) }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    throw YAMLError(problem, at: Self.position(parser.problem_mark))
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT || event.type == YAML_DOCUMENT_END_EVENT {
                    return builder.root
                }
                try builder.add(event)
            }
        }
    }

    static func position(_ mark: yaml_mark_t) -> YAMLPosition {
        YAMLPosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }
}

/// Builds the tree from libyaml's events.
private struct TreeBuilder {
    private enum Open {
        case sequence([YAMLNode], YAMLPosition, anchor: String?)
        case mapping([(key: YAMLNode, value: YAMLNode)], pendingKey: YAMLNode?, YAMLPosition, anchor: String?)
    }

    private var stack: [Open] = []
    private var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]
    private var sizes: [Int] = []
    /// Per open collection: the most collections nested in it so far, itself included.
    private var heights: [Int] = []
    private var total = 0
    private(set) var root: YAMLNode?

    mutating func add(_ event: yaml_event_t) throws(YAMLError) {
        let position = YAMLReader.position(event.start_mark)
        switch event.type {
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let node = YAMLNode.scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, position)
            try count(1, at: position)
            try finish(node, size: 1, height: 0, anchor: Self.text(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT:
            try count(1, at: position)
            try checkDepth(stack.count + 1, at: position)
            stack.append(.sequence([], position, anchor: Self.text(event.data.sequence_start.anchor)))
            sizes.append(1)
            heights.append(1)
        case YAML_MAPPING_START_EVENT:
            try count(1, at: position)
            try checkDepth(stack.count + 1, at: position)
            stack.append(.mapping([], pendingKey: nil, position, anchor: Self.text(event.data.mapping_start.anchor)))
            sizes.append(1)
            heights.append(1)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let open = stack.popLast(), let size = sizes.popLast(), let height = heights.popLast() else { return }
            switch open {
            case .sequence(let items, let start, let anchor):
                try finish(.sequence(items, start), size: size, height: height, anchor: anchor)
            case .mapping(let pairs, _, let start, let anchor):
                try finish(.mapping(pairs, start), size: size, height: height, anchor: anchor)
            }
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                throw YAMLError("unknown alias *\(name)", at: position)
            }
            try count(target.size, at: position)
            // An alias puts a whole tree where it stands.
            try checkDepth(stack.count + target.height, at: position)
            try finish(target.node, size: target.size, height: target.height, anchor: nil)
        default:
            break
        }
    }

    private mutating func count(_ nodes: Int, at position: YAMLPosition) throws(YAMLError) {
        total += nodes
        if total > YAMLReader.nodeLimit {
            throw YAMLError("aliases expand to more than \(YAMLReader.nodeLimit) nodes (an alias bomb?)", at: position)
        }
    }

    /// Refuses `depth` collections, one inside another, past the limit.
    private func checkDepth(_ depth: Int, at position: YAMLPosition) throws(YAMLError) {
        if depth > YAMLReader.depthLimit {
            throw YAMLError("nesting deeper than \(YAMLReader.depthLimit) levels", at: position)
        }
    }

    /// Hands a finished node to the collection it is in; `height` is the most
    /// collections nested in it, itself included.
    private mutating func finish(_ node: YAMLNode, size: Int, height: Int, anchor: String?) throws(YAMLError) {
        if let anchor { anchors[anchor] = (node, size, height) }
        if !sizes.isEmpty { sizes[sizes.count - 1] += size }
        if !heights.isEmpty { heights[heights.count - 1] = max(heights[heights.count - 1], height + 1) }
        guard let open = stack.popLast() else {
            root = node
            return
        }
        switch open {
        case .sequence(var items, let start, let anchor):
            items.append(node)
            stack.append(.sequence(items, start, anchor: anchor))
        case .mapping(var pairs, let pendingKey, let start, let anchor):
            if let key = pendingKey {
                pairs.append((key, node))
                stack.append(.mapping(pairs, pendingKey: nil, start, anchor: anchor))
            } else {
                if let text = node.scalarText, pairs.contains(where: { $0.key.scalarText == text }) {
                    throw YAMLError("duplicate key '\(text)'", at: node.position)
                }
                stack.append(.mapping(pairs, pendingKey: node, start, anchor: anchor))
            }
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
