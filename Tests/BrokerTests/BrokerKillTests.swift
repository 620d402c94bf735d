// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// The broker dies while hyphactl works: a Tansu broker of the test's own,
/// killed as a crash or an OOM kill would.
@Suite("tail and emit when their broker is killed")
struct BrokerKillTests {
    @Test("the broker killed while tail follows: one line and exit 69 after --timeout")
    func tailBrokerKilled() throws {
        let broker = try PrivateBroker()
        let event = TestEnvironment.uniqueEvent()
        let emitted = try Hyphactl.run(["emit", event, "before"], bootstrap: broker.bootstrap)
        try #require(emitted.status == 0, "\(emitted.stderr)")
        let tail = try RunningCommand([
            "tail", event, "--from-beginning", "-f", "jsonl", "--timeout", "3", "-b", broker.bootstrap,
        ])
        let first = tail.nextLine(timeout: 30)
        #expect(first?.contains(#""data":"before""#) == true, "\(first ?? "nothing")")
        broker.kill()
        let killed = Date()
        let result = try #require(tail.finish(timeout: 40), "tail still runs 40 s after its broker died")
        let after = Date().timeIntervalSince(killed)
        #expect(result.status == 69, "exit \(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        #expect(lines.first?.hasPrefix("hyphactl: ") == true)
        #expect(after >= 3, "gave up \(after) s after the broker died, before --timeout")
        #expect(after < 3 + 10, "gave up only \(after) s after the broker died")
        #expect(result.stdout.isEmpty)
    }

    @Test("the broker killed while emit --lines sends: exit 1 with the count of undelivered events")
    func emitBrokerKilled() throws {
        let broker = try PrivateBroker()
        let event = TestEnvironment.uniqueEvent()
        let file = try LinesFile(count: 100_000)
        // 100,000 lines sent 300 times: far more than emit sends before the first of
        // them shows (about 2 million a second here), so the kill lands in the middle.
        let total = 30_000_000
        let emit = try RunningCommand([
            "emit", event, "--lines", "--file", file.path, "--repeat", "300", "--timeout", "3", "-b", broker.bootstrap,
        ])
        // Killed once the broker holds some of them (a sanitized build takes a while to start).
        let deadline = Date().addingTimeInterval(60)
        var stored = 0
        while stored == 0 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            let list = try Hyphactl.run(
                ["topics", "list", "-o", "json", "--timeout", "5"], bootstrap: broker.bootstrap)
            let topics = (try? JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]]) ?? []
            stored = topics.first { $0["event"] as? String == event }?["messages"] as? Int ?? 0
        }
        try #require(stored > 0, "emit stored nothing within 60 s")
        broker.kill()
        let killed = Date()
        let result = try #require(emit.finish(timeout: 60), "emit still runs 60 s after its broker died")
        let gaveUp = Date().timeIntervalSince(killed)
        #expect(result.status == 1, "exit \(result.status): \(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderr)")
        let undelivered = try #require(
            number(before: " of \(total) events were not delivered", in: result.stderr),
            "stderr: \(result.stderr)")
        let delivered = try #require(number(after: "delivered ", in: result.stdout), "stdout: \(result.stdout)")
        #expect(undelivered > 0)
        #expect(delivered + undelivered == total)
        #expect(gaveUp < 30, "gave up \(gaveUp) s after the broker died")
    }
}
