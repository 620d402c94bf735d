// SPDX-License-Identifier: Apache-2.0
import Foundation
import Logging
import Synchronization

/// A log handler that keeps every line for a test to read, each taking
/// `delayMicroseconds` to write (as a slow terminal or pipe may).
final class KeptLines: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    private let delayMicroseconds: UInt32

    init(delayMicroseconds: UInt32 = 0) { self.delayMicroseconds = delayMicroseconds }

    var all: [String] { lines.withLock { $0 } }
    var count: Int { lines.withLock { $0.count } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        lines.withLock { $0.append(event.message.description) }
    }
}
