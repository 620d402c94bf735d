// SPDX-License-Identifier: Apache-2.0
/// A unified diff of two texts, for `generate --check`.
package enum ManifestDiff {
    /// nil when the texts are equal; otherwise `diff -u`-style hunks with 3 lines of context.
    package static func unified(old: String, new: String, oldName: String, newName: String) -> String? {
        guard old != new else { return nil }
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let script = edits(a, b)
        var output = "--- \(oldName)\n+++ \(newName)\n"
        var index = 0
        while index < script.count {
            guard script[index].kind != .same else {
                index += 1
                continue
            }
            let start = max(0, index - 3)
            var end = index
            // Extend the hunk while changes are within 6 lines of each other.
            var last = index
            while end < script.count {
                if script[end].kind != .same { last = end }
                if end - last > 6 { break }
                end += 1
            }
            let stop = min(script.count, last + 4)
            let hunk = script[start..<stop]
            let oldStart = (hunk.first { $0.kind != .insert }?.oldLine ?? 0) + 1
            let newStart = (hunk.first { $0.kind != .delete }?.newLine ?? 0) + 1
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            output += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for edit in hunk {
                switch edit.kind {
                case .same: output += " \(a[edit.oldLine])\n"
                case .delete: output += "-\(a[edit.oldLine])\n"
                case .insert: output += "+\(b[edit.newLine])\n"
                }
            }
            index = stop
        }
        return output
    }

    private struct Edit {
        enum Kind { case same, delete, insert }
        let kind: Kind
        let oldLine: Int
        let newLine: Int
    }

    /// The shortest edit script by longest common subsequence (manifests are small).
    private static func edits(_ a: [String], _ b: [String]) -> [Edit] {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var result: [Edit] = []
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                result.append(Edit(kind: .same, oldLine: i, newLine: j))
                i += 1
                j += 1
            } else if j < b.count, i == a.count || table[i][j + 1] >= table[i + 1][j] {
                result.append(Edit(kind: .insert, oldLine: i, newLine: j))
                j += 1
            } else {
                result.append(Edit(kind: .delete, oldLine: i, newLine: j))
                i += 1
            }
        }
        return result
    }
}
