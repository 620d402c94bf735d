// SPDX-License-Identifier: Apache-2.0
import HyphaYAML
import Testing

/// Inputs that must give an error, not a crash or an unbounded tree.
@Suite("reading hostile YAML")
struct YAMLReaderTests {
    /// The error `text` gives, nil when it reads.
    private func error(_ text: String) -> YAMLError? {
        do {
            _ = try YAMLReader.read(text)
            return nil
        } catch {
            return error
        }
    }

    private func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test("nesting up to the limit reads")
    func atTheLimit() throws {
        var node = try #require(try YAMLReader.read(nested(YAMLReader.depthLimit)))
        var depth = 1
        while case .sequence(let items, _) = node, let inner = items.first {
            node = inner
            depth += 1
        }
        #expect(depth == YAMLReader.depthLimit)
    }

    @Test(
        "nesting past the limit is an error, where the level too many starts",
        arguments: [
            (
                String(repeating: "[", count: 513) + String(repeating: "]", count: 513),
                YAMLPosition(line: 1, column: 513)
            ),
            (
                (0..<513).map { String(repeating: "  ", count: $0) + "k:\n" }.joined()
                    + String(repeating: "  ", count: 513) + "v\n",
                YAMLPosition(line: 513, column: 1025)
            ),
        ])
    func pastTheLimit(text: String, position: YAMLPosition) {
        let error = error(text)
        #expect(error?.message == "nesting deeper than 512 levels")
        #expect(error?.position == position)
    }

    /// Found with the fuzz target: 100,000 nested sequences made a tree too deep to
    /// free (a stack overflow), after libyaml, slower by the square of the depth,
    /// had spent a minute on them.
    @Test("very deep nesting is an error, not a crash")
    func veryDeep() {
        #expect(error(nested(100_000))?.message == "nesting deeper than 512 levels")
    }

    @Test("aliases count toward the depth where they stand")
    func aliasDepth() {
        // Each anchor nests 300 levels around the one before: 600 levels with no 600 in the text.
        let text = """
            a: &a \(String(repeating: "[", count: 300))x\(String(repeating: "]", count: 300))
            b: &b \(String(repeating: "[", count: 300))*a\(String(repeating: "]", count: 300))
            """
        let error = error(text)
        #expect(error?.message == "nesting deeper than 512 levels")
        #expect(error?.position == YAMLPosition(line: 2, column: 307))
    }

    @Test("an alias bomb stops at the node limit")
    func aliasBomb() {
        var text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in zip("bcdefghi", "abcdefgh") {
            text += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(error(text)?.message.hasPrefix("aliases expand to more than 100000 nodes") == true)
    }
}
