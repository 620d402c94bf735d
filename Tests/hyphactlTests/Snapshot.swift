// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Committed text that a test compares with what a program prints now. With
/// HYPHA_UPDATE_SNAPSHOTS=1 the tests write what they got instead of comparing.
enum Snapshot {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let updating = TestEnvironment.variables["HYPHA_UPDATE_SNAPSHOTS"] == "1"
    static let howToUpdate = "run HYPHA_UPDATE_SNAPSHOTS=1 swift test --filter hyphactlTests and review the diff"

    /// `actual` must be the text of `file` (a path in the repository); when updating, it becomes it.
    static func expect(_ actual: String, is file: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = repository.appendingPathComponent(file)
        if updating {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? String(contentsOf: url, encoding: .utf8)) != actual {
                try actual.write(to: url, atomically: true, encoding: .utf8)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("\(file) is missing: \(howToUpdate)", sourceLocation: sourceLocation)
            return
        }
        if actual != expected {
            Issue.record(
                "\(file) is stale (\(firstDifference(actual, expected))): \(howToUpdate)",
                sourceLocation: sourceLocation)
        }
    }

    /// Where two texts first differ, as "line N: got …, committed …".
    static func firstDifference(_ actual: String, _ expected: String) -> String {
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let committed = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line =
            zip(got, committed).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(got.count, committed.count)
        func show(_ lines: [Substring]) -> String { line < lines.count ? "\"\(lines[line])\"" : "the end" }
        return "line \(line + 1): got \(show(got)), committed \(show(committed))"
    }
}
