// SPDX-License-Identifier: Apache-2.0
import HyphaWire

/// `--watch` on a terminal: frames drawn over each other on the alternate
/// screen, without clearing it first (no flicker), the cursor hidden meanwhile.
enum WatchScreen {
    /// Switches to the alternate screen and hides the cursor.
    static let enter = "\u{1B}[?1049h\u{1B}[?25l"
    /// Shows the cursor and returns to the screen as it was.
    static let leave = "\u{1B}[?25h\u{1B}[?1049l"

    /// `text` drawn from the top left over the frame before: each line clears
    /// the rest of its row, and whatever the last frame had below is cleared.
    /// At most `rows` lines (the last row stays empty, so nothing scrolls).
    static func frame(_ text: String, rows: Int?) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        if let rows, lines.count > rows - 1 { lines = Array(lines.prefix(max(1, rows - 1))) }
        return "\u{1B}[H" + lines.map { $0 + "\u{1B}[K\n" }.joined() + "\u{1B}[J"
    }

    /// The line above every frame: what is watched, how often, when, and how to
    /// stop (but on the last, which stays on the screen after the command ends).
    static func header(_ title: String, every interval: Duration, nowMillis: Int64, last: Bool = false) -> String {
        let millis = interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000
        let every = millis % 1000 == 0 ? "\(millis / 1000)s" : "\(millis)ms"
        let stop = last ? "" : " (Ctrl-C to quit)"
        return "\(title), every \(every), at \(WireTimestamp.iso8601(millis: nowMillis))\(stop)\n\n"
    }

    /// A refresh that failed, in the frame, above the last table that worked.
    static func failure(_ line: String, lastGood: (body: String, atMillis: Int64)?, style: Style) -> String {
        var text = style.red("refresh failed: \(line)") + "\n"
        if let lastGood {
            text += "\nas of \(WireTimestamp.iso8601(millis: lastGood.atMillis)):\n" + lastGood.body
        }
        return text
    }
}
