// SPDX-License-Identifier: Apache-2.0
import Foundation

/// A plain text table with a header row, columns padded to their widest cell.
///
/// On a terminal it fits the window without cutting what a reader copies
/// elsewhere: identifiers and numbers stay whole. First the free-text columns
/// (`cuttable`) are cut with `…`, down to 12 characters; then the `droppable`
/// columns are left out, in their order; a table still too wide overflows.
/// Widths count what the terminal shows: escape codes take no room, and a cell
/// that is cut loses its colour, never its reset.
struct Table {
    let header: [String]
    var rows: [[String]] = []
    /// Columns of free text, which may be cut.
    var cuttable: Set<String> = []
    /// Columns that may be left out to fit, the first to go first.
    var droppable: [String] = []

    /// The narrowest a free-text column is cut to.
    static let narrowest = 12

    init(_ header: String...) { self.header = header }

    mutating func add(_ cells: [String]) { rows.append(cells) }

    /// The table as text, fitted to the terminal when stdout is one (never with `-o wide`).
    func rendered(wide: Bool = false) -> String { rendered(width: wide ? nil : Terminal.columns) }

    /// The table as text, one line per row, columns two spaces apart, fitted
    /// into `width` characters a line when given.
    func rendered(width: Int?) -> String {
        let all = [header] + rows
        // Each cell's visible width, counted once (a table of thousands of rows is common).
        let counts = all.map { $0.map(Self.visibleCount) }
        var shown = Array(header.indices)
        var widths = header.indices.map { column in
            counts.map { $0.indices.contains(column) ? $0[column] : 0 }.max() ?? 0
        }
        if let width {
            func total() -> Int { shown.map { widths[$0] }.reduce(0, +) + 2 * (shown.count - 1) }
            let cuttableColumns = shown.filter { cuttable.contains(header[$0]) }
            while total() > width,
                let widest = cuttableColumns.filter({ widths[$0] > Self.narrowest }).max(by: { widths[$0] < widths[$1] }
                )
            {
                widths[widest] -= 1
            }
            for name in droppable where total() > width {
                shown.removeAll { header[$0] == name }
            }
        }
        var text = ""
        for (row, rowCounts) in zip(all, counts) {
            for (position, column) in shown.enumerated() {
                if position > 0 { text += "  " }
                let (cell, count) = row.indices.contains(column) ? (row[column], rowCounts[column]) : ("", 0)
                let fitted = count > widths[column] ? Self.cut(cell, widths[column]) : cell
                text += fitted
                if position < shown.count - 1 {
                    let visible = count > widths[column] ? widths[column] : count
                    text += String(repeating: " ", count: max(0, widths[column] - visible))
                }
            }
            text += "\n"
        }
        return text
    }

    /// `cell`, wider than `width`, cut to `width` visible characters with `…`
    /// (its escape codes dropped).
    private static func cut(_ cell: String, _ width: Int) -> String {
        String(withoutEscapes(cell).prefix(max(1, width - 1))) + "…"
    }

    /// The characters a terminal shows: SGR escape codes (`ESC [ … m`) take no room.
    static func visibleCount(_ text: String) -> Int {
        // Plain ASCII, most cells: one byte a character.
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x1B }) { return text.utf8.count }
        return text.utf8.contains(0x1B) ? withoutEscapes(text).count : text.count
    }

    private static func withoutEscapes(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
