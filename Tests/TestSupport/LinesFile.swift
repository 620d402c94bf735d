// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A temporary file of distinct JSON lines, removed with the value.
package final class LinesFile {
    package let path: String
    /// Each line, as `JSONSerialization` writes it with sorted keys.
    package let lines: [String]

    package init(count: Int) throws {
        lines = (0..<count).map { #"{"i":\#($0),"text":"event \#($0)"}"# }
        path = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString).jsonl").path
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The whole number just before `suffix` in `text` ("… 12 of 300 events were not delivered").
package func number(before suffix: String, in text: String) -> Int? {
    guard let range = text.range(of: suffix) else { return nil }
    return Int(text[..<range.lowerBound].split(separator: " ").last ?? "")
}

/// The whole number just after `prefix` in `text` ("delivered 288 …").
package func number(after prefix: String, in text: String) -> Int? {
    guard let range = text.range(of: prefix) else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isNumber })
}
