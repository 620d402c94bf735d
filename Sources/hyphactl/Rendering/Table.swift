// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A plain text table with a header row, columns padded to their widest cell.
/// On a terminal it fits the window: the widest columns are cut with `…`.
struct Table {
    let header: [String]
    var rows: [[String]] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as text, fitted to the terminal when stdout is one.
    func rendered() -> String { rendered(width: Terminal.columns) }

    /// The table as text, one line per row, columns two spaces apart, at most
    /// `width` characters a line when given.
    func rendered(width: Int?) -> String {
        let all = [header] + rows
        var widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        if let width {
            let gaps = 2 * (widths.count - 1)
            while widths.reduce(0, +) + gaps > width, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }),
                widths[widest] > 8
            {
                widths[widest] -= 1
            }
        }
        return all.map { row in
            row.enumerated().map { column, cell in
                let fitted = cell.count > widths[column] ? String(cell.prefix(max(1, widths[column] - 1))) + "…" : cell
                return column == row.count - 1
                    ? fitted : fitted.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
