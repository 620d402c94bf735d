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
        var shown = Array(header.indices)
        var widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? Self.visibleCount($0[column]) : 0 }.max() ?? 0
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
        return all.map { row in
            shown.enumerated().map { position, column in
                let cell = row.indices.contains(column) ? row[column] : ""
                let fitted = Self.fit(cell, widths[column])
                let pad = position == shown.count - 1 ? 0 : widths[column] - Self.visibleCount(fitted)
                return fitted + String(repeating: " ", count: max(0, pad))
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// `cell` cut to `width` visible characters with `…`, its escape codes dropped when it is cut.
    private static func fit(_ cell: String, _ width: Int) -> String {
        guard visibleCount(cell) > width else { return cell }
        let plain = withoutEscapes(cell)
        return String(plain.prefix(max(1, width - 1))) + "…"
    }

    /// The characters a terminal shows: SGR escape codes (`ESC [ … m`) take no room.
    static func visibleCount(_ text: String) -> Int {
        text.contains("\u{1B}") ? withoutEscapes(text).count : text.count
    }

    private static func withoutEscapes(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
    }
}
