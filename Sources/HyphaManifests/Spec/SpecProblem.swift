// SPDX-License-Identifier: Apache-2.0
import HyphaYAML

/// One thing wrong in a `hypha.yaml`: the key path, what is wrong, and where.
package struct SpecProblem: Sendable, Equatable, CustomStringConvertible {
    /// e.g. `hypha.replicas`.
    package let path: String
    /// e.g. `expected an integer`.
    package let message: String
    /// Where in the file, when known.
    package let position: YAMLPosition?

    /// `hypha.replicas: expected an integer at line 9, column 13`.
    package var description: String {
        let place = position.map { " at \($0)" } ?? ""
        return path.isEmpty ? "\(message)\(place)" : "\(path): \(message)\(place)"
    }
}

/// Every problem found in a file, all at once.
package struct SpecError: Error, Sendable, CustomStringConvertible {
    /// The file's name, for messages.
    package let file: String
    /// Each problem, in file order.
    package let problems: [SpecProblem]

    /// One line per problem, each prefixed with the file.
    package var description: String {
        problems.map { "\(file): \($0)" }.joined(separator: "\n")
    }
}

/// Collects problems while a file is read, so that all of them are reported.
struct ProblemList {
    private(set) var items: [SpecProblem] = []

    mutating func add(_ path: String, _ message: String, at position: YAMLPosition?) {
        items.append(SpecProblem(path: path, message: message, position: position))
    }
}

/// A mapping of the file, read key by key with errors that name the key path.
struct MappingFields {
    let path: String
    let position: YAMLPosition
    private let entries: [(key: String, keyPosition: YAMLPosition, value: YAMLNode)]

    /// nil (with a problem) when `node` is not a mapping.
    init?(_ node: YAMLNode, path: String, problems: inout ProblemList) {
        guard case .mapping(let pairs, let position) = node else {
            problems.add(path, "expected a mapping, found \(node.kindName)", at: node.position)
            return nil
        }
        self.path = path
        self.position = position
        var entries: [(String, YAMLPosition, YAMLNode)] = []
        for (key, value) in pairs {
            guard let name = key.scalarText else {
                problems.add(path, "keys must be text", at: key.position)
                continue
            }
            entries.append((name, key.position, value))
        }
        self.entries = entries
    }

    func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    subscript(key: String) -> YAMLNode? {
        entries.first { $0.key == key }.flatMap { $0.value.isNull ? nil : $0.value }
    }

    var keys: [String] { entries.map(\.key) }

    func keyPosition(_ key: String) -> YAMLPosition? { entries.first { $0.key == key }?.keyPosition }

    /// Every key not in `known` is a problem: a typo must not pass silently.
    func rejectUnknown(_ known: [String], problems: inout ProblemList) {
        for entry in entries where !known.contains(entry.key) {
            let suggestion = Self.closest(entry.key, in: known).map { " (did you mean \($0)?)" } ?? ""
            problems.add(qualified(entry.key), "unknown key\(suggestion)", at: entry.keyPosition)
        }
    }

    func missing(_ key: String, _ hint: String, problems: inout ProblemList) {
        problems.add(qualified(key), "required: \(hint)", at: position)
    }

    func string(_ key: String, problems: inout ProblemList) -> String? {
        guard let node = self[key] else { return nil }
        guard let text = node.scalarText else {
            problems.add(qualified(key), "expected text, found \(node.kindName)", at: node.position)
            return nil
        }
        return text
    }

    func int(_ key: String, problems: inout ProblemList) -> Int? {
        guard let node = self[key] else { return nil }
        guard case .scalar(let text, true, _) = node, let value = Int(text),
            text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") })
        else {
            problems.add(qualified(key), "expected an integer", at: node.position)
            return nil
        }
        return value
    }

    func strings(_ key: String, problems: inout ProblemList) -> [String]? {
        guard let node = self[key] else { return nil }
        guard case .sequence(let items, _) = node else {
            problems.add(qualified(key), "expected a list, found \(node.kindName)", at: node.position)
            return nil
        }
        return items.enumerated().compactMap { index, item in
            guard let text = item.scalarText else {
                problems.add("\(qualified(key))[\(index)]", "expected text, found \(item.kindName)", at: item.position)
                return nil
            }
            return text
        }
    }

    func mapping(_ key: String, problems: inout ProblemList) -> MappingFields? {
        self[key].flatMap { MappingFields($0, path: qualified(key), problems: &problems) }
    }

    /// Pairs of a mapping whose values are scalars.
    func scalarPairs(problems: inout ProblemList) -> [(String, String, YAMLPosition)] {
        entries.compactMap { entry in
            guard let text = entry.value.scalarText else {
                problems.add(
                    qualified(entry.key), "expected a value, found \(entry.value.kindName)", at: entry.value.position)
                return nil
            }
            return (entry.key, text, entry.keyPosition)
        }
    }

    /// The known key closest to a typo, when it is close.
    private static func closest(_ typo: String, in known: [String]) -> String? {
        known.map { ($0, distance(typo.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= max(2, typo.count / 3) }
            .min { $0.1 < $1.1 }?.0
    }

    private static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let old = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = old
            }
        }
        return row[b.count]
    }
}
