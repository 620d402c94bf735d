// SPDX-License-Identifier: Apache-2.0
import Foundation

/// Replacing a file whole: a temporary file beside it, then a rename.
enum AtomicFile {
    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(
            ".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            guard rename(temporary.path, url.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure.failed("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
