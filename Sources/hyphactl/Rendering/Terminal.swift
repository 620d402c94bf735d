// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Where output goes, and whether it may carry colour.
enum Terminal {
    /// Colour only on a terminal, and never with `--no-color` or `NO_COLOR`.
    static func colorAllowed(flag noColor: Bool, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> Bool
    {
        !noColor && environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }

    /// One `hyphactl: …` line on stderr.
    static func printError(_ message: String) {
        let flat = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("hyphactl: \(flat)\n".utf8))
    }

    /// Text on stdout, written at once.
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        write(&bytes)
    }

    /// Bytes on stdout, written whole.
    static func write(_ bytes: inout [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// The terminal's width when stdout is one ($COLUMNS first); nil for pipes and files.
    static var columns: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns > 0 {
            return columns
        }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// The terminal's height when stdout is one ($LINES first); nil for pipes and files.
    static var rows: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let rows = ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init), rows > 0 { return rows }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return nil }
        return Int(size.ws_row)
    }

    /// Whether stdin is a terminal a person types at.
    static var inputIsInteractive: Bool { isatty(STDIN_FILENO) == 1 }
}

/// ANSI styles, applied only when colour is on.
struct Style {
    let enabled: Bool

    func dim(_ text: String) -> String { wrap(text, "2") }
    func bold(_ text: String) -> String { wrap(text, "1") }
    func cyan(_ text: String) -> String { wrap(text, "36") }
    func yellow(_ text: String) -> String { wrap(text, "33") }
    func red(_ text: String) -> String { wrap(text, "31") }
    func green(_ text: String) -> String { wrap(text, "32") }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
