// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// The README's first command: a newcomer's tour on a sandbox broker of its own.
@Suite("scripts/demo")
struct DemoTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("runs every step, and says why the sandbox counts chat's three events as one message")
    func demo() throws {
        var environment = ProcessInfo.processInfo.environment
        environment["HYPHACTL_BIN"] = try Hyphactl.binary()
        let result = try Subprocess.run(
            Self.root.appendingPathComponent("scripts/demo").path, [], environment: environment, timeout: 180)
        #expect(result.status == 0, "\(result.output)\(result.stderr)")
        let lines = result.lines
        let chat = try #require(lines.firstIndex { $0.hasPrefix("chat ") && $0.contains("hypha_event_chat") })
        #expect(lines[chat].hasSuffix(" 1"), "Tansu's count of one batch: \(lines[chat])")
        let explained = lines[(chat + 1)...].prefix(4).joined(separator: "\n")
        #expect(explained.contains("chat holds 3 events but MESSAGES says 1"), "\(explained)")
        #expect(explained.contains("Apache Kafka counts"))
        // tail's pretty lines: time, event, partition@offset, type, data.
        let tailed = lines.filter { $0.contains("  chat  ") && $0.contains("  d  ") }
        #expect(tailed.count == 3, "tail shows all three chat events: \(tailed)")
    }
}
